import os from 'node:os';
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { scenariosRoot } from '../../engine/scenarios-root.js';
import { findScenario } from '../../scenario/loader.js';
import { ScenarioError } from '../../scenario/errors.js';
import { formatDuration, parseDuration } from '../../workshop/duration.js';
import { createRoom, roomOpen, type Room } from '../../workshop/room.js';
import { roomFile } from '../../workshop/files.js';
import { archiveRoom, loadRoom, saveRoom } from '../../workshop/room-file.js';
import { startWorkshopServer, type WorkshopServer } from '../../workshop/server.js';
import { adminToken } from '../../workshop/tokens.js';
import { attendeeShellCommand, findBwrap } from '../../workshop/sandbox/attendee-shell.js';
import { NETBREAK_ROOT } from '../../workshop/sandbox/toolbox.js';
import { color, printJson, println } from '../output.js';

interface ServeOptions {
  scenarios?: string;
  port: string;
  host: string;
  duration?: string;
  title: string;
  new?: boolean;
  hostLabs?: boolean;
}

async function scenarioList(text: string): Promise<{ id: string; title: string }[]> {
  const ids = [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (ids.length === 0) throw new UserError('--scenarios needs at least one scenario id, for example --scenarios friday-merge,after-the-pentest');
  const found = [];
  for (const id of ids) {
    try {
      found.push((await findScenario(scenariosRoot(), id)).scenario);
    } catch (error) {
      if (error instanceof ScenarioError) throw new UserError(`--scenarios: ${error.problem}`);
      throw error;
    }
  }
  return found.map((s) => ({ id: s.id, title: s.title }));
}

function portOf(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UserError(`--port ${text} is not a port: give a number from 1 to 65535 (0 picks a free one)`);
  return port;
}

/** The room to serve: the saved one (resumed), or a new one; an old room is archived, never overwritten. */
async function roomToServe(file: string, options: ServeOptions, durationMs: number | undefined): Promise<{ room: Room; resumed: boolean; archived?: string }> {
  const saved = loadRoom(file);
  const wanted = options.scenarios === undefined ? undefined : await scenarioList(options.scenarios);
  if (saved && !options.new) {
    if (wanted && wanted.map((s) => s.id).join(',') !== saved.scenarios.map((s) => s.id).join(',')) {
      throw new UserError(
        `${file} holds a room with scenarios ${saved.scenarios.map((s) => s.id).join(',')}: run without --scenarios to resume it, or add --new to start a new room (the old one is kept beside it)`,
      );
    }
    // A new --duration on a resumed room counts from now: the trainer extends or shortens the session.
    if (durationMs !== undefined) {
      saved.endsAt = new Date(Date.now() + durationMs).toISOString();
      saved.endedAt = null;
    }
    return { room: saved, resumed: true };
  }
  if (!wanted) throw new UserError('--scenarios is required to open a room: for example --scenarios friday-merge,after-the-pentest');
  const archived = saved ? archiveRoom(file, saved) : undefined;
  return { room: createRoom({ title: options.title, scenarios: wanted, durationMs }), resumed: false, archived };
}

/** Where attendees can reach us: every external IPv4 address when bound to all of them. */
function reachableHosts(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host.includes(':') ? `[${host}]` : host];
  const addresses = Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => Boolean(a && a.family === 'IPv4' && !a.internal))
    .map((a) => a.address);
  return addresses.length ? addresses : ['127.0.0.1'];
}

export async function run(options: ServeOptions, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const port = portOf(options.port);
  const durationMs = options.duration === undefined ? undefined : parseDuration(options.duration);
  if (options.duration !== undefined && durationMs === undefined)
    throw new UserError(`--duration ${options.duration} is not a duration: write it like 90m, 1h30m or 2h`);
  // Before a room opens: attendees' shells need bubblewrap (one sentence, exit 3, when it is missing).
  if (options.hostLabs) findBwrap();
  const file = roomFile();
  const { room, resumed, archived } = await roomToServe(file, options, durationMs);
  saveRoom(file, room);

  const log = json ? () => {} : (line: string) => println(`${color.dim(new Date().toLocaleTimeString())} ${line}`);
  let server: WorkshopServer;
  try {
    server = await startWorkshopServer({
      room,
      file,
      host: options.host,
      port,
      log,
      hostLabs: options.hostLabs ? { shellFor: attendeeShellCommand, install: NETBREAK_ROOT } : undefined,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${port} is already in use on ${options.host}: pick another with --port`);
    if (code === 'EACCES') throw new UserError(`port ${port} needs more privileges: pick one above 1023 with --port`);
    if (code === 'EADDRNOTAVAIL') throw new UserError(`--host ${options.host} is not an address of this machine: leave it out to listen on all of them`);
    throw error;
  }
  const origins = reachableHosts(options.host).map((h) => `http://${h}:${server.port}`);
  const local = options.host === '0.0.0.0' || options.host === '::' ? `http://127.0.0.1:${server.port}` : origins[0]!;
  const admin = adminToken(room.secret);
  const info = {
    room: room.id,
    title: room.title,
    resumed,
    file,
    archived: archived ?? null,
    scenarios: room.scenarios.map((s) => s.id),
    endsAt: room.endsAt,
    open: roomOpen(room),
    attendees: room.attendees.length,
    joinCode: room.joinCode,
    joinUrls: origins.map((o) => `${o}/join/${room.joinCode}`),
    scoreboardUrls: origins.map((o) => `${o}/`),
    adminUrl: `${local}/#admin=${admin}`,
    adminToken: admin,
    port: server.port,
    hostLabs: Boolean(options.hostLabs),
  };
  if (json) printJson(info);
  else {
    println(
      `${color.bold(room.title)}  ${resumed ? `resumed (${room.attendees.length} attendee(s) so far)` : 'new room'}: ${room.scenarios.map((s) => s.id).join(', ')}`,
    );
    if (archived) println(color.dim(`The previous room is kept in ${archived}.`));
    if (room.endsAt)
      println(
        roomOpen(room)
          ? `Ends at ${new Date(room.endsAt).toLocaleTimeString()} (in ${formatDuration(Date.parse(room.endsAt) - Date.now())}).`
          : color.red(`This room ended; results are refused. Start another with --new.`),
      );
    println();
    println(`${color.bold('Join code')}   ${room.joinCode}`);
    if (options.hostLabs) {
      println(`${color.bold('Attendees')}   open one of these in a browser (their lab and terminal run on this machine):`);
      for (const url of info.joinUrls) println(`  ${url}`);
    } else {
      println(`${color.bold('Attendees')}   run one of:`);
      for (const url of info.joinUrls) println(`  netbreak workshop join ${url} --name THEIR-NAME`);
    }
    println(`${color.bold('Scoreboard')}  ${info.scoreboardUrls.join('  ')}`);
    println(`${color.bold('Trainer')}     ${info.adminUrl}`);
    println(color.dim('              (exports and "end"; the token is in the #fragment: keep this one off the projector)'));
    println();
    println(color.dim(`The room is saved in ${file}. Ctrl-C stops the server; "netbreak workshop serve" again resumes the room.`));
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  if (!json) println(`\nStopped. ${room.attendees.length} attendee(s); the room is saved in ${file}.`);
}
