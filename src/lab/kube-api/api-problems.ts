// Which failures of a Kubernetes API call are the user's environment rather
// than a bug: the server did not answer, its certificate or our credentials
// were refused. The cluster backends (kind, kubeconfig) say for their own
// cluster what to do about each; KubeClient turns such a failure into one
// ClusterAccessError sentence instead of a stack trace.
import { ApiException } from '@kubernetes/client-node';
import { ClusterAccessError } from '../../errors.js';

export type ApiProblem = { kind: 'unreachable' | 'tls' | 'credentials'; detail: string };

/** What the user should do about each problem, for one cluster; `what` names its API server in a sentence. */
export interface AccessAdvice {
  what: string;
  unreachable: string;
  tls: string;
  credentials: string;
  /** 3 while the lab is being made, 4 once it ran (the lab died). */
  exitCode: 3 | 4;
}

export const GENERIC_ADVICE: AccessAdvice = {
  what: "the cluster's API server",
  unreachable: 'check that the cluster is running and reachable from this machine, then try again',
  tls: "check the kubeconfig's certificate-authority for this cluster",
  credentials: "renew the kubeconfig's credentials for this cluster",
  exitCode: 3,
};

/** Socket errors: the server is down, gone, or something between us drops the connection. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was closed',
  EPIPE: 'the connection was closed',
  ETIMEDOUT: 'timed out',
  ESOCKETTIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  UND_ERR_SOCKET: 'the connection was closed',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
};

/** OpenSSL's verification codes (Node puts them on error.code) and TLS protocol failures. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|EPROTO$|HOSTNAME_MISMATCH$)/;

function errnoCode(error: unknown): string | undefined {
  // client-node's fetch wraps the socket error (FetchError); the code may be on it or on its cause.
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/** One line for an API error: the Status message the server sent, not a dump of the response. */
export function apiErrorText(error: unknown): string {
  if (error instanceof ApiException) {
    let body = error.body as unknown;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        // not JSON: keep the text
      }
    }
    const message = (body as { message?: string } | undefined)?.message ?? (typeof body === 'string' ? body : '');
    return `HTTP ${error.code}${message ? `: ${message}` : ''}`;
  }
  return (error as Error).message;
}

/** The Status message of an API error, its first line only. */
function statusMessage(error: ApiException<unknown>): string {
  return apiErrorText(error).split('\n')[0]!;
}

export function apiProblem(error: unknown): ApiProblem | undefined {
  if (error instanceof ApiException) {
    if (error.code === 401 || error.code === 403) return { kind: 'credentials', detail: statusMessage(error) };
    return undefined;
  }
  const code = errnoCode(error);
  if (!code) return undefined;
  if (UNREACHABLE[code]) {
    // A server that closes the TLS handshake is one that is not (yet, or any more) an API server.
    return { kind: 'unreachable', detail: UNREACHABLE[code] };
  }
  if (TLS_CODE.test(code)) return { kind: 'tls', detail: code === 'EPROTO' ? 'the TLS handshake failed (EPROTO)' : `${code}` };
  return undefined;
}

/** One sentence for a problem with the API server at `server`, from the backend's advice. */
export function problemSentence(problem: ApiProblem, server: string, advice: AccessAdvice): string {
  const at = `${advice.what}${server ? ` at ${server}` : ''}`;
  if (problem.kind === 'unreachable') return `${at} did not answer (${problem.detail}): ${advice.unreachable}`;
  if (problem.kind === 'tls') return `${at} failed the TLS check (${problem.detail}): ${advice.tls}`;
  return `${at} refused netbreak's credentials (${problem.detail}): ${advice.credentials}`;
}

/** The ClusterAccessError for `error` when it is the environment's doing, else undefined. */
export function accessError(error: unknown, server: string, advice: AccessAdvice): ClusterAccessError | undefined {
  if (error instanceof ClusterAccessError) return error;
  const problem = apiProblem(error);
  return problem ? new ClusterAccessError(problemSentence(problem, server, advice), advice.exitCode, { cause: error }) : undefined;
}
