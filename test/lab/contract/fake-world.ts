// What a real machine does that the fakes must be told: ls of a missing file
// exits 2, and nothing listens behind the contract Service's closed port, so
// agnhost's /dial to it is refused. The Lab code under test still has to turn
// these into exit codes and probe outcomes.
import { agnhostHandler, type FakeApiServer } from '../kind/fake-api-server.js';
import type { FakeTools } from '../kind/fake-tools.js';
import { CLOSED_PORT, FAILING_COMMAND, FAILING_EXIT_CODE } from './lab-contract.js';

export function playTheWorld(api: FakeApiServer, fake: FakeTools): void {
  const stderr = `ls: cannot access '${FAILING_COMMAND[1]}': No such file or directory\n`;
  fake.setState({ execReplies: { [FAILING_COMMAND.join(' ')]: { stdout: '', stderr, code: FAILING_EXIT_CODE } } });
  api.proxyHandler = (request) => {
    if (request.path === 'dial' && request.query.get('port') === String(CLOSED_PORT)) {
      const target = `${request.query.get('host')}:${CLOSED_PORT}`;
      return { status: 200, body: JSON.stringify({ errors: [`Get "http://${target}/hostname": dial tcp ${target}: connect: connection refused`] }) };
    }
    return agnhostHandler(request);
  };
}
