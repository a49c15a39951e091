import { defineRoute } from '../../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/openapi.json',
  access: 'public',
  summary: 'The OpenAPI 3.1 description of this API, generated from the route schemas',
  tags: ['meta'],
  hidden: true,
  async handler(request) {
    return request.server.openApiDocument();
  },
});
