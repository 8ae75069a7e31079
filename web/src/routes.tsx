import {
  AuditOutlined,
  BranchesOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  ClusterOutlined,
  DashboardOutlined,
  FileAddOutlined,
  FileSearchOutlined,
  HomeOutlined,
  InboxOutlined,
  ReconciliationOutlined,
  SafetyOutlined,
  ScheduleOutlined,
  SolutionOutlined,
  TeamOutlined,
  ToolOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { type ComponentType, lazy, type ReactNode } from 'react';
import type { Role } from './api/types';

/**
 * Every page of the workbench and the side menu, as data: a new page is one entry here.
 * `roles` says who may open it (others get 无权访问); `menu` puts it in the side menu.
 * Pages load lazily so the login page stays light.
 */
export interface AppRoute {
  path: string;
  /** zh-CN: the menu entry and the page's title. */
  title: string;
  /** Who may open the page; absent: every signed-in user. */
  roles?: readonly Role[];
  menu?: {
    icon: ReactNode;
    /** `tasks`: the count of the user's inbox next to the entry. */
    badge?: 'tasks';
  };
  element: ReactNode;
}

/** A page module's named export as a lazy component (loaded when first opened). */
function page(load: () => Promise<ComponentType>): ReactNode {
  const Component = lazy(async () => ({ default: await load() }));
  return <Component />;
}

const ACTING_ROLES: readonly Role[] = [
  'STREET_OFFICE',
  'CASEWORKER',
  'MANAGER',
  'EXPERT',
  'INSPECTOR',
  'LEGAL',
];
/** Roles that read cases (docs/api.md "Who reads what"); ADMIN reads no case content. */
const READING_ROLES: readonly Role[] = [...ACTING_ROLES, 'AUDITOR'];

/** Pages inside the signed-in layout (header, side menu). */
export const APP_ROUTES: AppRoute[] = [
  {
    path: '/tasks',
    title: '我的待办',
    roles: ACTING_ROLES,
    menu: { icon: <InboxOutlined />, badge: 'tasks' },
    element: page(async () => (await import('./pages/TasksPage')).TasksPage),
  },
  {
    path: '/relief/new',
    title: '新建救助申请',
    roles: ['STREET_OFFICE', 'CASEWORKER'],
    menu: { icon: <FileAddOutlined /> },
    element: page(
      async () => (await import('./pages/ReliefApplicationPage')).ReliefApplicationPage,
    ),
  },
  {
    path: '/street/cases',
    title: '本街道案件',
    roles: ['STREET_OFFICE'],
    menu: { icon: <HomeOutlined /> },
    element: page(async () => (await import('./pages/CaseListPage')).StreetCasesPage),
  },
  {
    path: '/cases',
    title: '案件查询',
    roles: ['CASEWORKER', 'MANAGER', 'LEGAL', 'INSPECTOR', 'AUDITOR'],
    menu: { icon: <FileSearchOutlined /> },
    element: page(async () => (await import('./pages/CaseListPage')).CaseListPage),
  },
  {
    path: '/cases/:id',
    title: '案件详情',
    roles: READING_ROLES,
    element: page(async () => (await import('./pages/CasePage')).CasePage),
  },
  // The other roles' pages (web/src/pages/<role>/...).
  {
    path: '/dashboard',
    title: '业务督办看板',
    roles: ['MANAGER', 'AUDITOR'],
    menu: { icon: <DashboardOutlined /> },
    element: page(async () => (await import('./pages/manager/DashboardPage')).DashboardPage),
  },
  {
    path: '/manager/capitation',
    title: '门诊按人头付费',
    roles: ['MANAGER', 'AUDITOR'],
    menu: { icon: <ReconciliationOutlined /> },
    element: page(async () => (await import('./pages/manager/CapitationPage')).CapitationPage),
  },
  {
    path: '/manager/approvals',
    title: '待审批',
    roles: ['MANAGER'],
    menu: { icon: <CheckSquareOutlined /> },
    element: page(
      async () => (await import('./pages/manager/ApprovalQueuePage')).ApprovalQueuePage,
    ),
  },
  {
    path: '/manager/workload',
    title: '工作量与分派',
    roles: ['MANAGER'],
    menu: { icon: <ClusterOutlined /> },
    element: page(async () => (await import('./pages/manager/WorkloadPage')).WorkloadPage),
  },
  {
    path: '/expert/hearings',
    title: '我的评审',
    roles: ['EXPERT'],
    menu: { icon: <SolutionOutlined /> },
    element: page(async () => (await import('./pages/expert/HearingsPage')).HearingsPage),
  },
  {
    path: '/inspection/plans',
    title: '检查计划',
    roles: ['MANAGER', 'INSPECTOR', 'AUDITOR'],
    menu: { icon: <ScheduleOutlined /> },
    element: page(async () => (await import('./pages/inspection/PlansPage')).PlansPage),
  },
  {
    path: '/inspection/mine',
    title: '我的检查',
    roles: ['INSPECTOR'],
    menu: { icon: <SafetyOutlined /> },
    element: page(
      async () => (await import('./pages/inspection/MyInspectionsPage')).MyInspectionsPage,
    ),
  },
  {
    path: '/legal/penalties',
    title: '行政处罚案件',
    roles: ['LEGAL'],
    menu: { icon: <ReconciliationOutlined /> },
    element: page(async () => (await import('./pages/legal/PenaltyCasesPage')).PenaltyCasesPage),
  },
  {
    path: '/audit',
    title: '审计查询',
    roles: ['AUDITOR'],
    menu: { icon: <AuditOutlined /> },
    element: page(async () => (await import('./pages/auditor/AuditPage')).AuditPage),
  },
  {
    path: '/admin/users',
    title: '用户管理',
    roles: ['ADMIN', 'SECURITY_ADMIN'],
    menu: { icon: <UserOutlined /> },
    element: page(async () => (await import('./pages/admin/UsersPage')).UsersPage),
  },
  {
    path: '/admin/calendar',
    title: '工作日历',
    roles: ['ADMIN'],
    menu: { icon: <CalendarOutlined /> },
    element: page(async () => (await import('./pages/admin/CalendarPage')).CalendarPage),
  },
  {
    path: '/admin/workflows',
    title: '流程版本',
    roles: ['ADMIN'],
    menu: { icon: <BranchesOutlined /> },
    element: page(async () => (await import('./pages/admin/WorkflowsPage')).WorkflowsPage),
  },
  {
    path: '/admin/operations',
    title: '系统运维',
    roles: ['ADMIN'],
    menu: { icon: <ToolOutlined /> },
    element: page(async () => (await import('./pages/admin/OperationsPage')).OperationsPage),
  },
  {
    path: '/welcome',
    title: '工作台',
    menu: { icon: <TeamOutlined /> },
    roles: ['ADMIN', 'SECURITY_ADMIN'],
    element: page(async () => (await import('./pages/WelcomePage')).WelcomePage),
  },
];

/**
 * The home page of a user: the first role in this order that the user holds decides.
 * (A caseworker who is also an auditor starts with the work.)
 */
export const HOME_BY_ROLE: ReadonlyArray<readonly [Role, string]> = [
  ['STREET_OFFICE', '/street/cases'],
  ['CASEWORKER', '/tasks'],
  ['MANAGER', '/tasks'],
  ['EXPERT', '/tasks'],
  ['INSPECTOR', '/tasks'],
  ['LEGAL', '/tasks'],
  ['AUDITOR', '/cases'],
  ['ADMIN', '/admin/users'],
  ['SECURITY_ADMIN', '/admin/users'],
];

export function homeFor(roles: readonly Role[]): string {
  return HOME_BY_ROLE.find(([role]) => roles.includes(role))?.[1] ?? '/welcome';
}

/** Pages anyone may open without signing in (信息公开), under `/public/`. */
export const PUBLIC_ROUTES: ReadonlyArray<{ path: string; element: ReactNode }> = [
  {
    path: '/public/inspection-results',
    element: page(
      async () => (await import('./pages/public/InspectionResultsPage')).InspectionResultsPage,
    ),
  },
  {
    path: '/public/relief-notices',
    element: page(async () => (await import('./pages/public/ReliefNoticesPage')).ReliefNoticesPage),
  },
  {
    path: '/public/special-relief-notices',
    element: page(
      async () =>
        (await import('./pages/public/SpecialReliefNoticesPage')).SpecialReliefNoticesPage,
    ),
  },
];

export const PUBLIC_LAYOUT = page(
  async () => (await import('./pages/public/PublicLayout')).PublicLayout,
);
