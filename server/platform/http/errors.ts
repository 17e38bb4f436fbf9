/**
 * The one error shape of the API (DESIGN.md):
 * {"error":{"code","message"(zh-CN),"fields":{"path":"message"}}}
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    /** Extra data for the client, e.g. the current state on a 409. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, fields?: Record<string, string>) => new AppError(400, 'invalid_input', message, fields);
export const fieldError = (field: string, message: string) => new AppError(400, 'invalid_input', `${message}`, { [field]: message });
export const unauthorized = (message = '请先登录') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = '没有权限执行此操作') => new AppError(403, 'forbidden', message);
export const notFound = (what = '记录') => new AppError(404, 'not_found', `${what}不存在或无权查看`);
export const conflict = (message: string, current?: unknown) => new AppError(409, 'conflict', message, undefined, current);
export const ruleViolated = (message: string, code = 'rule_violated') => new AppError(422, code, message);

export function errorBody(e: AppError) {
  return {
    error: {
      code: e.code,
      message: e.message,
      ...(e.fields ? { fields: e.fields } : {}),
      ...(e.details !== undefined ? { current: e.details } : {}),
    },
  };
}
