/**
 * @module http/routes/hipaa-business-associate
 * The business associate every BAA names (the organization that runs this Ward), read and set by
 * the operator; a change applies to the next BAA rendered, without a restart.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  type BusinessAssociateService,
  businessAssociateBody,
  businessAssociateView,
} from '../../hipaa/index.js';

const tags = ['hipaa'];
const PATH = '/api/v1/operator/business-associate';

export function businessAssociateRoutes(app: FastifyInstance, businessAssociate: BusinessAssociateService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    PATH,
    {
      config: { permission: 'business.associate.manage' },
      schema: {
        tags,
        summary:
          'The business associate BAAs name, and whether it was set at runtime or in ward.yaml (operator)',
        response: { 200: businessAssociateView },
      },
    },
    (req) => businessAssociate.get(req.ctx),
  );
  r.put(
    PATH,
    {
      config: { permission: 'business.associate.manage' },
      schema: {
        tags,
        summary:
          'Name the business associate (operator): BAAs rendered from now on carry it; it wins over ward.yaml',
        body: businessAssociateBody,
        response: { 200: businessAssociateView },
      },
    },
    (req) => businessAssociate.set(req.ctx, req.body),
  );
}
