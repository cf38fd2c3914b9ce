// Hosted labs (`workshop serve --host-labs`): the room starts each attendee's
// lab on this machine as the trainer's user (rootless netns labs, one per
// attendee, each in its own folders) and keeps a terminal for them. Lab work
// runs netbreak's own CLI with the attendee's membership, so `start`, `check`
// and the rest report to the board exactly as from an attendee's laptop.
// One attendee's lab operations run one after another; attendees run side by side.
import type { Membership } from '../membership.js';
import { findAttendee, type Attendee, type Room } from '../room.js';
import { workshopSeeds } from '../seeds.js';
import { attendeeToken, sameSecret } from '../tokens.js';
import { attendeeDataDir, attendeeDirs, hostingRoot, makeAttendeeDirs, writeAttendeeFile, type AttendeeDirs } from './attendee-dirs.js';
import { lastSentence, runNetbreak } from './netbreak-cli.js';
import { type ShellCommand, Terminal } from './terminal.js';
import path from 'node:path';

/** What the attendee's page shows of the scenario, from `netbreak start --json`. */
export interface ScenarioBrief {
  scenario: string;
  title: string;
  story: string;
  task: string;
  symptom: unknown;
  seed: number;
}

export type LabState = 'starting' | 'ready' | 'failed' | 'resetting' | 'ended';

export interface LabHealth {
  state: LabState;
  /** Why it failed, or what it is doing. */
  detail: string | null;
  scenario: string | null;
  since: string;
}

export interface HostedAttendee {
  attendee: Attendee;
  dirs: AttendeeDirs;
  terminal: Terminal;
  /** Index into the room's scenarios of the one the lab plays. */
  scenarioIndex: number;
  brief: ScenarioBrief | null;
  health: LabHealth;
  /** The tail of this attendee's lab operations: each waits for the previous. */
  queue: Promise<void>;
}

/** The attendee's shell: the confinement's argv (src/workshop/sandbox/) for this attendee, home and lab; roomPort is the server's port. */
export type ShellFor = (options: { attendee: string; lab: string; home: string; stateDir: string; roomPort: number }) => ShellCommand;

export interface LabHostOptions {
  room: Room;
  /** The server's own address as the attendee's netbreak reaches it (reports go there). */
  reportTo: () => string;
  /** The server's port (known once it listens). */
  port: () => number;
  shellFor: ShellFor;
  /** A lab or a shell changed: the board redraws. */
  changed: () => void;
  log: (line: string) => void;
  /** The room's folder of homes and labs (default: hosted/ROOM in the trainer's lab state folder). */
  root?: string;
}

/** A lab start is image-free on netns but can be slow on a loaded 2-core machine hosting 30 labs. */
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;
/** How many attendees' labs stop at once when the room ends: each stop is a node process. */
const STOP_CONCURRENCY = 4;

export class LabHost {
  private readonly hosted = new Map<string, HostedAttendee>();
  readonly root: string;
  private ended = false;

  constructor(private readonly options: LabHostOptions) {
    this.root = options.root ?? hostingRoot(options.room.id);
  }

  /** The hosted attendee whose token this is; their lab is started when the room (re)met them after a restart. */
  byToken(token: string): HostedAttendee | undefined {
    const { room } = this.options;
    const attendee = room.attendees.find((a) => sameSecret(token, attendeeToken(room.secret, a.id)));
    return attendee ? this.host(attendee) : undefined;
  }

  /** Starts hosting a new attendee (their membership, folders, terminal and the lab of the first scenario not fixed yet). */
  host(attendee: Attendee): HostedAttendee | undefined {
    const known = this.hosted.get(attendee.id);
    if (known || this.ended) return known;
    const dirs = attendeeDirs(this.root, attendee.name);
    makeAttendeeDirs(dirs);
    writeAttendeeFile(path.join(attendeeDataDir(dirs), 'workshop.json'), JSON.stringify(this.membership(attendee), null, 2));
    const shell = () =>
      this.options.shellFor({ attendee: attendee.name, lab: attendee.name, home: dirs.home, stateDir: dirs.stateDir, roomPort: this.options.port() });
    const hosted: HostedAttendee = {
      attendee,
      dirs,
      terminal: new Terminal(shell, dirs.home),
      scenarioIndex: this.firstUnfixed(attendee),
      brief: null,
      health: { state: 'starting', detail: null, scenario: null, since: new Date().toISOString() },
      queue: Promise.resolve(),
    };
    this.hosted.set(attendee.id, hosted);
    this.enqueue(hosted, () => this.startScenario(hosted, hosted.scenarioIndex));
    return hosted;
  }

  /** Each hosted attendee's lab health, by attendee name (the board's rows are by name), for the trainer's board. */
  health(): Record<string, LabHealth> {
    return Object.fromEntries([...this.hosted.values()].map((h) => [h.attendee.name, h.health]));
  }

  isFixed(hosted: HostedAttendee): boolean {
    const scenario = this.options.room.scenarios[hosted.scenarioIndex];
    return Boolean(scenario && findAttendee(this.options.room, hosted.attendee.id)?.cells[scenario.id]?.session.fixedAt);
  }

  /** The next scenario, once this one is fixed: stops the lab (reported) and starts the next one's. */
  next(hosted: HostedAttendee): string | undefined {
    if (hosted.health.state !== 'ready') return 'your lab is not ready yet: wait until it is, then try again';
    if (!this.isFixed(hosted)) return 'fix this scenario first: "netbreak check" passes when it is fixed';
    if (hosted.scenarioIndex + 1 >= this.options.room.scenarios.length) return 'that was the last scenario of this workshop';
    const index = hosted.scenarioIndex + 1;
    this.enqueue(hosted, async () => {
      this.setHealth(hosted, 'starting', 'stopping the last lab');
      await runNetbreak(['stop'], hosted.dirs, STOP_TIMEOUT_MS);
      await this.startScenario(hosted, index);
    });
    return undefined;
  }

  /** The trainer's "reset lab": the scenario back as at its start (the attendee's changes gone), or started again if it failed. */
  reset(hosted: HostedAttendee): void {
    this.enqueue(hosted, async () => {
      if (hosted.health.state !== 'ready') return this.startScenario(hosted, hosted.scenarioIndex);
      this.setHealth(hosted, 'resetting', null);
      hosted.terminal.announce('The trainer is resetting your lab…');
      const result = await runNetbreak(['reset'], hosted.dirs, START_TIMEOUT_MS);
      if (result.code === 0) {
        this.setHealth(hosted, 'ready', null);
        hosted.terminal.announce('Your lab is back as it was at the start of the scenario.');
      } else this.failed(hosted, `reset failed: ${lastSentence(result)}`);
    });
  }

  findByName(name: string): HostedAttendee | undefined {
    return [...this.hosted.values()].find((h) => h.attendee.name === name);
  }

  /** Ends every shell and lab (the room ended, or the server stops); no attendee is hosted again afterwards. */
  async endAll(): Promise<void> {
    this.ended = true;
    const all = [...this.hosted.values()];
    for (const h of all) h.terminal.close();
    const stopOne = async (h: HostedAttendee) => {
      await h.queue;
      if (h.health.state === 'ended') return;
      const result = await runNetbreak(['stop'], h.dirs, STOP_TIMEOUT_MS);
      // A lab that never came up has nothing to stop; that is not worth the trainer's attention.
      if (result.code !== 0 && h.health.state === 'ready') this.options.log(`could not stop ${h.attendee.name}'s lab: ${lastSentence(result)}`);
      this.setHealth(h, 'ended', null);
    };
    const workers = Array.from({ length: STOP_CONCURRENCY }, async () => {
      for (let h = all.shift(); h; h = all.shift()) await stopOne(h);
    });
    await Promise.all(workers);
  }

  private membership(attendee: Attendee): Membership {
    const { room } = this.options;
    return {
      v: 1,
      server: this.options.reportTo(),
      room: { id: room.id, title: room.title, scenarios: room.scenarios, endsAt: room.endsAt },
      attendee: { id: attendee.id, name: attendee.name },
      token: attendeeToken(room.secret, attendee.id),
      seeds: workshopSeeds(
        room.secret,
        attendee.id,
        room.scenarios.map((s) => s.id),
      ),
      joinedAt: attendee.joinedAt,
      // Same machine, same clock.
      clockOffsetMs: 0,
    };
  }

  private firstUnfixed(attendee: Attendee): number {
    const index = this.options.room.scenarios.findIndex((s) => !attendee.cells[s.id]?.session.fixedAt);
    return index === -1 ? this.options.room.scenarios.length - 1 : index;
  }

  private enqueue(hosted: HostedAttendee, work: () => Promise<void>): void {
    hosted.queue = hosted.queue.then(work).catch((error: unknown) => this.failed(hosted, (error as Error).message));
  }

  private async startScenario(hosted: HostedAttendee, index: number): Promise<void> {
    if (this.ended) return;
    const scenario = this.options.room.scenarios[index]!;
    hosted.scenarioIndex = index;
    hosted.brief = null;
    this.setHealth(hosted, 'starting', null, scenario.id);
    hosted.terminal.announce(`Starting your lab for "${scenario.title}"…`);
    // Hosted labs are always the embedded rootless lab: the trainer's NETBREAK_BACKEND is for their own labs.
    const result = await runNetbreak(['start', scenario.id, '--backend', 'netns', '--json'], hosted.dirs, START_TIMEOUT_MS);
    if (this.ended) return;
    if (result.code !== 0) return this.failed(hosted, lastSentence(result));
    const started = JSON.parse(result.stdout) as { scenario: string; title: string; story: string; task: string; symptom: unknown; seed: number };
    hosted.brief = {
      scenario: started.scenario,
      title: started.title,
      story: started.story,
      task: started.task,
      symptom: started.symptom,
      seed: started.seed,
    };
    this.setHealth(hosted, 'ready', null, scenario.id);
    hosted.terminal.announce(`Your lab is ready: ${scenario.title}. Investigate with kubectl and netbreak; "netbreak check" tells you when it is fixed.`);
    this.options.log(`${hosted.attendee.name}'s lab is up (${scenario.id})`);
  }

  private failed(hosted: HostedAttendee, detail: string): void {
    this.setHealth(hosted, 'failed', detail);
    hosted.terminal.announce(`Your lab could not start: ${detail}. The trainer can reset it.`);
    this.options.log(`${hosted.attendee.name}'s lab failed: ${detail}`);
  }

  private setHealth(hosted: HostedAttendee, state: LabState, detail: string | null, scenario = hosted.health.scenario): void {
    hosted.health = { state, detail, scenario, since: new Date().toISOString() };
    this.options.changed();
  }
}
