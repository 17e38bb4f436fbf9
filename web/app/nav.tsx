import {
  AccountBookOutlined,
  AlertOutlined,
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  BookOutlined,
  BulbOutlined,
  CalendarOutlined,
  ClockCircleOutlined,
  CustomerServiceOutlined,
  FileAddOutlined,
  FileTextOutlined,
  FireOutlined,
  FormOutlined,
  HomeOutlined,
  IdcardOutlined,
  MessageOutlined,
  MobileOutlined,
  OrderedListOutlined,
  PartitionOutlined,
  PhoneOutlined,
  ProfileOutlined,
  SafetyCertificateOutlined,
  ScanOutlined,
  SearchOutlined,
  SettingOutlined,
  TableOutlined,
  TeamOutlined,
  ToolOutlined,
  TruckOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { MessageKey } from './i18n';
import type { Permission, Role } from './types';

export interface NavEntry {
  path: string;
  label: MessageKey;
  icon: ReactNode;
  perm: Permission;
  /** Other paths under which this entry is the current one (a unit page belongs to the look-up). */
  also?: string[];
  /** Only for these roles (besides the permission). */
  roles?: Role[];
}

export interface NavGroup {
  label: MessageKey;
  icon: ReactNode;
  children: NavEntry[];
}

export const STAFF_NAV: Array<NavEntry | NavGroup> = [
  { path: '/', label: 'nav.lookup', icon: <SearchOutlined />, perm: 'directory.read', also: ['/units', '/people'] },
  { path: '/intake', label: 'nav.intake', icon: <FileAddOutlined />, perm: 'request.create' },
  { path: '/queue', label: 'nav.queue', icon: <OrderedListOutlined />, perm: 'request.read', also: ['/requests'] },
  { path: '/w', label: 'tech.nav', icon: <MobileOutlined />, perm: 'request.handle', roles: ['technician'] },
  // The gate guard's first stop: near the top of a short menu.
  { path: '/visitors', label: 'nav.visitors', icon: <UserAddOutlined />, perm: 'visitor.register' },
  { path: '/incidents', label: 'nav.incidents', icon: <AlertOutlined />, perm: 'incident.manage' },
  { path: '/emergencies', label: 'nav.emergencies', icon: <FireOutlined />, perm: 'request.read' },
  { path: '/releases', label: 'nav.releases', icon: <TruckOutlined />, perm: 'release.manage' },
  { path: '/g', label: 'nav.gate', icon: <ScanOutlined />, perm: 'release.check' },
  { path: '/callbacks', label: 'nav.callbacks', icon: <CustomerServiceOutlined />, perm: 'callback.record' },
  { path: '/corrective-reports', label: 'nav.correctiveReports', icon: <SafetyCertificateOutlined />, perm: 'request.read' },
  { path: '/cases', label: 'nav.cases', icon: <BookOutlined />, perm: 'request.read' },
  { path: '/calls', label: 'nav.calls', icon: <PhoneOutlined />, perm: 'calls.log' },
  { path: '/worklog', label: 'nav.worklog', icon: <ProfileOutlined />, perm: 'calls.log' },
  {
    label: 'nav.reports',
    icon: <BarChartOutlined />,
    children: [
      { path: '/reports/suggestions', label: 'nav.suggestionReport', icon: <BulbOutlined />, perm: 'request.read' },
      { path: '/reports/calls', label: 'nav.callReport', icon: <PhoneOutlined />, perm: 'request.read' },
      { path: '/reports/repairs', label: 'repairReport.nav.summary', icon: <ToolOutlined />, perm: 'request.read' },
      { path: '/reports/repair-register', label: 'repairReport.nav.register', icon: <FileTextOutlined />, perm: 'request.read' },
      { path: '/reports/complaints', label: 'nav.complaintReport', icon: <TableOutlined />, perm: 'request.read' },
      { path: '/reports/complaint-register', label: 'nav.complaintRegister', icon: <FormOutlined />, perm: 'request.read' },
    ],
  },
  { path: '/projects', label: 'nav.projects', icon: <HomeOutlined />, perm: 'directory.read' },
  {
    label: 'nav.org',
    icon: <ApartmentOutlined />,
    children: [
      { path: '/org/departments', label: 'nav.departments', icon: <ApartmentOutlined />, perm: 'directory.read' },
      { path: '/org/staff', label: 'nav.staff', icon: <TeamOutlined />, perm: 'directory.read' },
      { path: '/org/users', label: 'nav.users', icon: <IdcardOutlined />, perm: 'org.manage' },
    ],
  },
  { path: '/calendar', label: 'nav.calendar', icon: <CalendarOutlined />, perm: 'directory.read' },
  {
    label: 'nav.settings',
    icon: <SettingOutlined />,
    children: [
      { path: '/settings/categories', label: 'nav.categories', icon: <PartitionOutlined />, perm: 'catalog.manage' },
      { path: '/settings/phrases', label: 'nav.phrases', icon: <MessageOutlined />, perm: 'catalog.manage' },
      { path: '/settings/deadline-rules', label: 'nav.deadlineRules', icon: <ClockCircleOutlined />, perm: 'config.manage' },
      { path: '/settings/repairs', label: 'nav.repairRules', icon: <ToolOutlined />, perm: 'config.manage' },
      // Read-only for whoever lacks config.manage: the counter shows residents the price (收费标准明示).
      { path: '/settings/prices', label: 'nav.prices', icon: <AccountBookOutlined />, perm: 'request.read' },
    ],
  },
  { path: '/audit', label: 'nav.audit', icon: <AuditOutlined />, perm: 'audit.read' },
];

export function isGroup(e: NavEntry | NavGroup): e is NavGroup {
  return 'children' in e;
}

/** The nav entry a path belongs to: the longest matching prefix wins, so '/' only matches itself and its `also`. */
export function activeNavPath(pathname: string): string | undefined {
  let best: { path: string; len: number } | undefined;
  const consider = (e: NavEntry) => {
    for (const p of [e.path, ...(e.also ?? [])]) {
      const hit = p === '/' ? pathname === '/' : pathname === p || pathname.startsWith(`${p}/`);
      if (hit && (!best || p.length > best.len)) best = { path: e.path, len: p.length };
    }
  };
  for (const e of STAFF_NAV) {
    if (isGroup(e)) e.children.forEach(consider);
    else consider(e);
  }
  return best?.path;
}
