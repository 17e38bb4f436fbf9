import { lazy, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import { NotFound, RequireAuth, RequirePerm } from './guards';
import { ResidentShell, StaffShell } from './shell';
import type { Permission } from './types';

// One chunk per page: the counter's look-up loads without the admin screens.
const LoginPage = lazy(() => import('../pages/login/login-page'));
const LookupPage = lazy(() => import('../pages/lookup/lookup-page'));
const UnitPage = lazy(() => import('../pages/directory/unit-page'));
const PersonPage = lazy(() => import('../pages/directory/person-page'));
const PersonNewPage = lazy(() => import('../pages/directory/person-new-page'));
const ProjectsPage = lazy(() => import('../pages/directory/projects-page'));
const ProjectPage = lazy(() => import('../pages/directory/project-page'));
const BuildingPage = lazy(() => import('../pages/directory/building-page'));
const DepartmentsPage = lazy(() => import('../pages/org/departments-page'));
const StaffPage = lazy(() => import('../pages/org/staff-page'));
const UsersPage = lazy(() => import('../pages/org/users-page'));
const CalendarPage = lazy(() => import('../pages/calendar/calendar-page'));
const AuditPage = lazy(() => import('../pages/audit/audit-page'));
const PasswordPage = lazy(() => import('../pages/account/password-page'));
const IntakePage = lazy(() => import('../pages/requests/intake-page'));
const QueuePage = lazy(() => import('../pages/requests/queue-page'));
const RequestPage = lazy(() => import('../pages/requests/request-page'));
const SuggestionReportPage = lazy(() => import('../pages/reports/suggestions-page'));
const RepairSummaryPage = lazy(() => import('../pages/reports/repair-summary-page'));
const RepairRegisterPage = lazy(() => import('../pages/reports/repair-register-page'));
const ComplaintTablePage = lazy(() => import('../pages/reports/complaint-table-page'));
const ComplaintRegisterPage = lazy(() => import('../pages/reports/complaint-register-page'));
const CallsPage = lazy(() => import('../pages/calls/calls-page'));
const CallReportPage = lazy(() => import('../pages/calls/call-report-page'));
const WorklogPage = lazy(() => import('../pages/worklog/worklog-page'));
const CategoriesPage = lazy(() => import('../pages/settings/categories-page'));
const PhrasesPage = lazy(() => import('../pages/settings/phrases-page'));
const DeadlineRulesPage = lazy(() => import('../pages/settings/deadline-rules-page'));
const RepairRulesPage = lazy(() => import('../pages/settings/repair-rules-page'));
const PricesPage = lazy(() => import('../pages/settings/prices-page'));
const CallbacksPage = lazy(() => import('../pages/callbacks/callbacks-page'));
const CasesPage = lazy(() => import('../pages/cases/cases-page'));
const CorrectiveReportsPage = lazy(() => import('../pages/complaints/corrective-reports-page'));
const MyUnitsPage = lazy(() => import('../mobile/resident/my-units-page'));
const WorkOrderPrintPage = lazy(() => import('../pages/requests/work-order-print-page'));
const TechnicianShell = lazy(() => import('../mobile/technician/technician-shell'));
const TechOrdersPage = lazy(() => import('../mobile/technician/orders-page'));
const TechOrderPage = lazy(() => import('../mobile/technician/order-page'));
const ResidentReportPage = lazy(() => import('../mobile/resident/report-page'));
const ResidentRequestsPage = lazy(() => import('../mobile/resident/my-requests-page'));
const ResidentRequestPage = lazy(() => import('../mobile/resident/request-page'));
const ReleasesPage = lazy(() => import('../pages/frontdesk/releases-page'));
const ReleasePage = lazy(() => import('../pages/frontdesk/release-page'));
const ReleasePrintPage = lazy(() => import('../pages/frontdesk/release-print-page'));
const ResidentReleasesPage = lazy(() => import('../mobile/resident/releases-page'));
const ResidentReleaseSlip = lazy(() => import('../mobile/resident/releases-page').then((m) => ({ default: m.ResidentReleaseSlip })));
const GateShell = lazy(() => import('../mobile/gate/gate-shell'));
const GatePage = lazy(() => import('../mobile/gate/gate-page'));

const VisitorsPage = lazy(() => import('../pages/frontdesk/visitors-page'));
const IncidentsPage = lazy(() => import('../pages/frontdesk/incidents-page'));
const IncidentPrintPage = lazy(() => import('../pages/frontdesk/incident-print-page'));
const EmergenciesPage = lazy(() => import('../pages/frontdesk/emergencies-page'));

const guarded = (perm: Permission, element: ReactNode) => <RequirePerm perm={perm}>{element}</RequirePerm>;

const staffRoutes: RouteObject[] = [
  { index: true, element: guarded('directory.read', <LookupPage />) },
  { path: 'units/:id', element: guarded('directory.read', <UnitPage />) },
  { path: 'people/new', element: guarded('directory.write', <PersonNewPage />) },
  { path: 'people/:id', element: guarded('directory.read', <PersonPage />) },
  { path: 'projects', element: guarded('directory.read', <ProjectsPage />) },
  { path: 'projects/:projectId', element: guarded('directory.read', <ProjectPage />) },
  { path: 'projects/:projectId/buildings/:buildingId', element: guarded('directory.read', <BuildingPage />) },
  { path: 'org/departments', element: guarded('directory.read', <DepartmentsPage />) },
  { path: 'org/staff', element: guarded('directory.read', <StaffPage />) },
  { path: 'org/users', element: guarded('org.manage', <UsersPage />) },
  { path: 'calendar', element: guarded('directory.read', <CalendarPage />) },
  { path: 'audit', element: guarded('audit.read', <AuditPage />) },
  { path: 'intake', element: guarded('request.create', <IntakePage />) },
  { path: 'queue', element: guarded('request.read', <QueuePage />) },
  { path: 'requests/:id', element: guarded('request.read', <RequestPage />) },
  { path: 'requests/:id/print', element: guarded('request.read', <WorkOrderPrintPage />) },
  { path: 'reports/suggestions', element: guarded('request.read', <SuggestionReportPage />) },
  { path: 'reports/repairs', element: guarded('request.read', <RepairSummaryPage />) },
  { path: 'reports/repair-register', element: guarded('request.read', <RepairRegisterPage />) },
  { path: 'reports/complaints', element: guarded('request.read', <ComplaintTablePage />) },
  { path: 'reports/complaint-register', element: guarded('request.read', <ComplaintRegisterPage />) },
  { path: 'reports/calls', element: guarded('request.read', <CallReportPage />) },
  { path: 'calls', element: guarded('request.read', <CallsPage />) },
  { path: 'callbacks', element: guarded('request.read', <CallbacksPage />) },
  { path: 'cases', element: guarded('request.read', <CasesPage />) },
  { path: 'corrective-reports', element: guarded('request.read', <CorrectiveReportsPage />) },
  { path: 'worklog', element: guarded('request.read', <WorklogPage />) },
  { path: 'visitors', element: guarded('visitor.register', <VisitorsPage />) },
  { path: 'incidents', element: guarded('incident.manage', <IncidentsPage />) },
  { path: 'incidents/:id/print', element: guarded('incident.manage', <IncidentPrintPage />) },
  { path: 'emergencies', element: guarded('request.read', <EmergenciesPage />) },
  { path: 'releases', element: guarded('release.manage', <ReleasesPage />) },
  { path: 'releases/:id', element: guarded('release.manage', <ReleasePage />) },
  { path: 'releases/:id/print', element: guarded('release.manage', <ReleasePrintPage />) },
  { path: 'settings/categories', element: guarded('catalog.manage', <CategoriesPage />) },
  { path: 'settings/phrases', element: guarded('catalog.manage', <PhrasesPage />) },
  { path: 'settings/deadline-rules', element: guarded('config.manage', <DeadlineRulesPage />) },
  { path: 'settings/prices', element: guarded('request.read', <PricesPage />) },
  { path: 'settings/repairs', element: guarded('config.manage', <RepairRulesPage />) },
  { path: 'account/password', element: <PasswordPage /> },
  { path: '*', element: <NotFound /> },
];

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    path: '/m',
    element: (
      <RequireAuth audience="resident">
        <ResidentShell />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <MyUnitsPage /> },
      { path: 'report', element: <ResidentReportPage /> },
      { path: 'requests', element: <ResidentRequestsPage /> },
      { path: 'requests/:id', element: <ResidentRequestPage /> },
      { path: 'releases', element: <ResidentReleasesPage /> },
      { path: 'releases/:id', element: <ResidentReleaseSlip /> },
      { path: 'password', element: <PasswordPage /> },
      { path: '*', element: <Navigate to="/m" replace /> },
    ],
  },
  {
    // The technician's phone: own orders, the department pool, and one order step by step.
    path: '/w',
    element: (
      <RequireAuth audience="staff">
        <TechnicianShell />
      </RequireAuth>
    ),
    children: [
      { index: true, element: guarded('request.handle', <TechOrdersPage />) },
      { path: 'orders/:id', element: guarded('request.read', <TechOrderPage />) },
      { path: 'password', element: <PasswordPage /> },
      { path: '*', element: <Navigate to="/w" replace /> },
    ],
  },
  {
    // The gate guard's phone: scan, photograph or type a release slip's code and let it through once.
    path: '/g',
    element: (
      <RequireAuth audience="staff">
        <GateShell />
      </RequireAuth>
    ),
    children: [
      { index: true, element: guarded('release.check', <GatePage />) },
      { path: 'password', element: <PasswordPage /> },
      { path: '*', element: <Navigate to="/g" replace /> },
    ],
  },
  {
    path: '/',
    element: (
      <RequireAuth audience="staff">
        <StaffShell />
      </RequireAuth>
    ),
    children: staffRoutes,
  },
]);
