/** API shapes of the front desk pages, inferred from the server's schemas (type-only imports). */
import type { z } from 'zod';
import type * as Em from '../../../server/domains/frontdesk/emergencies.schema.ts';
import type * as In from '../../../server/domains/frontdesk/incidents.schema.ts';
import type * as Vs from '../../../server/domains/frontdesk/visitors.schema.ts';

export type Visit = z.infer<typeof Vs.VisitOut>;
export type Appointment = z.infer<typeof Vs.AppointmentOut>;
export type VisitBoard = z.infer<typeof Vs.Board>;
export type CheckInResult = z.infer<typeof Vs.CheckInOut>;
export type VisitCreate = z.input<typeof Vs.VisitCreate>;
export type AppointmentCreate = z.input<typeof Vs.AppointmentCreate>;
export type HostKind = (typeof Vs.HOST_KINDS)[number];

export type IncidentClass = In.IncidentClass;
export type IncidentSummary = z.infer<typeof In.IncidentSummary>;
export type Incident = z.infer<typeof In.IncidentOut>;
export type IncidentCase = z.infer<typeof In.IncidentCaseOut>;
export type Step = z.infer<typeof In.StepOut>;
export type Notified = z.infer<typeof In.NotifiedOut>;

export type EmergencyType = Em.EmergencyType;
export type EmergencySummary = z.infer<typeof Em.EmergencySummary>;
export type Emergency = z.infer<typeof Em.EmergencyOut>;
export type Plans = z.infer<typeof Em.Plans>;
export type PlansOut = z.infer<typeof Em.PlansOut>;
export type MyNotice = z.infer<typeof Em.MyNotice>;

export const INCIDENT_CLASSES: IncidentClass[] = ['A', 'B', 'C'];
export const EMERGENCY_TYPES: EmergencyType[] = ['water_power', 'lift', 'fire', 'weather', 'other'];
