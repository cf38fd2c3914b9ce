// Everything the lab's API server serves, in one list: each module registers its routes.
import { registerDiscovery } from './discovery.js';
import { registerOpenApi } from './openapi.js';
import { registerPodStreams } from './pod-streams.js';
import { registerProxy } from './proxy.js';
import { registerRest } from './rest.js';
import { Router } from './router.js';
import { registerSelfReviews } from './self-reviews.js';

export function buildRouter(): Router {
  const router = new Router();
  registerDiscovery(router);
  registerOpenApi(router);
  registerRest(router);
  registerPodStreams(router);
  registerProxy(router);
  registerSelfReviews(router);
  return router;
}
