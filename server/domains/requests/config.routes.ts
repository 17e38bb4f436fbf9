import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { inProject } from '../../platform/auth/viewer.ts';
import type { AppContext } from '../../platform/context.ts';
import { idParam } from '../../platform/http/common.ts';
import { fieldError, forbidden, notFound } from '../../platform/http/errors.ts';
import { defineRoute } from '../../platform/http/route.ts';
import {
  Category,
  CategoryCreate,
  CategoryPatch,
  DeadlineRuleOut,
  DeadlineRulesPut,
  PHRASE_SCENARIOS,
  Phrase,
  PhraseCreate,
  PhrasePatch,
} from './config.schema.ts';
import {
  createCategory,
  createPhrase,
  getDeadlineRules,
  listCategories,
  listPhrases,
  patchCategory,
  patchPhrase,
  putDeadlineRules,
} from './config.service.ts';
import { KINDS } from './requests.workflow.ts';

let seq = 0;

export function registerIntakeConfigRoutes(app: FastifyInstance, ctx: AppContext) {
  defineRoute(app, {
    method: 'GET',
    url: '/api/categories',
    access: 'authenticated',
    summary: '事项分类树 Categories',
    tags: ['config'],
    querystring: z.object({ kind: z.enum(KINDS).optional(), all: z.enum(['true', 'false']).optional().describe('含已停用') }),
    response: { 200: z.array(Category) },
    sample: () => ({ query: { kind: 'repair' } }),
    handler: async (req) => listCategories(ctx, req.query.kind, req.query.all === 'true'),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/categories',
    access: 'catalog.manage',
    summary: '新增分类 Add a category',
    tags: ['config'],
    body: CategoryCreate,
    response: { 200: Category },
    sample: () => ({ body: { kind: 'suggestion', name: `新分类${seq++}` } }),
    handler: async (req) => createCategory(ctx, req.viewer, req.body),
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/categories/:id',
    access: 'catalog.manage',
    summary: '修改或停用分类 Edit a category',
    tags: ['config'],
    params: idParam,
    body: CategoryPatch,
    response: { 200: Category },
    sample: async (kit) => ({ params: { id: await kit.make.category() }, body: { version: 1, name: '改名后的分类' } }),
    handler: async (req) => patchCategory(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/phrases',
    access: 'authenticated',
    summary: '礼貌用语（按场景） Standard phrases',
    tags: ['config'],
    querystring: z.object({
      scenario: z.enum(PHRASE_SCENARIOS).optional(),
      all: z.enum(['true', 'false']).optional().describe('含已停用'),
    }),
    response: { 200: z.array(Phrase) },
    sample: () => ({ query: { scenario: 'repair' } }),
    handler: async (req) => listPhrases(ctx, req.query.scenario, req.query.all === 'true'),
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/phrases',
    access: 'catalog.manage',
    summary: '新增礼貌用语 Add a phrase',
    tags: ['config'],
    body: PhraseCreate,
    response: { 200: Phrase },
    sample: () => ({ body: { scenario: 'answer_phone', title: '节日问候', text: '您好，新年快乐！**物业服务中心。' } }),
    handler: async (req) => createPhrase(ctx, req.viewer, req.body),
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/phrases/:id',
    access: 'catalog.manage',
    summary: '修改礼貌用语 Edit a phrase',
    tags: ['config'],
    params: idParam,
    body: PhrasePatch,
    response: { 200: Phrase },
    sample: async (kit) => ({
      params: { id: await kit.make.phrase() },
      body: { version: 1, text: '您好，**物业服务中心，很高兴为您服务。' },
    }),
    handler: async (req) => patchPhrase(ctx, req.viewer, req.params.id, req.body),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/settings/deadline-rules',
    access: 'request.read',
    summary: '各类时限规则（含默认值） Deadline rules',
    tags: ['config'],
    response: { 200: z.array(DeadlineRuleOut) },
    querystring: z.object({ projectId: z.string().min(1) }),
    sample: (kit) => ({ query: { projectId: kit.fixtures.projectId } }),
    handler: async (req) => {
      if (!inProject(req.viewer, req.query.projectId)) throw notFound('项目');
      return getDeadlineRules(ctx, req.query.projectId);
    },
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/settings/deadline-rules',
    access: 'config.manage',
    summary: '设置时限规则（按公司或项目） Set deadline rules',
    tags: ['config'],
    body: DeadlineRulesPut,
    sample: (kit) => ({ body: { projectId: kit.fixtures.projectId, rules: { 'suggestion.reply': { workingDays: 5 } } } }),
    handler: async (req, reply) => {
      const { projectId, rules } = req.body;
      if (projectId === null ? req.viewer.projectIds !== null : !inProject(req.viewer, projectId))
        throw forbidden('只能设置自己所属项目的规则');
      await putDeadlineRules(ctx, req.viewer, projectId ?? 'company', rules);
      return reply.status(204).send();
    },
  });
}
