/**
 * The gossip component (issue 3, "Gossip"): subscribes to the targets topic and to the four
 * topics of every followed target, validates every incoming message with protocol/ before
 * it is stored or forwarded (gossipsub topic validators), stores what is valid, and tells
 * later layers through `events`. `publish*` takes an object's canonical bytes, stores it
 * through the same validation, then gossips it.
 *
 * Lifecycle (Lodestar style): `new Gossip(options, { host, store })`, then `start()` before or
 * after the host starts (subscriptions wait for it), and `stop()` before the host stops and
 * the store closes: it waits for the validations in progress.
 */
import type { TopicValidatorFn, TopicValidatorResult } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import {
  ATTESTATION,
  CANDIDATE,
  COMMITMENT,
  decodeEntry,
  decodeSigned,
  entryHashOfBytes,
  type Hash,
  hashHex,
  isProtocolError,
  TARGET,
} from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import type { Host } from '../host.ts';
import { GossipError } from './errors.ts';
import { GossipEmitter } from './events.ts';
import { GossipMetrics } from './metrics.ts';
import { scoreTopic } from './scoring.ts';
import {
  type ParsedTopic,
  parseTopic,
  TARGET_TOPIC_KINDS,
  TARGETS_TOPIC,
  type TargetTopicKind,
  type TopicKind,
  targetTopic,
} from './topics.ts';
import {
  type ValidationModules,
  validateGossipAttestation,
  validateGossipCandidate,
  validateGossipCommitment,
  validateGossipEntry,
  validateGossipTarget,
} from './validation/index.ts';
import { type GossipLogger, toVerdict } from './verdict.ts';

export type GossipOptions = Record<string, never>;

export interface GossipModules {
  host: Host;
  store: Store;
  /** The local clock in ms (default `Date.now`). */
  now?: () => number;
  /** Where unexpected errors go (default: console). */
  logger?: GossipLogger;
  /**
   * An entry from `peer` builds on a parent this node lacks: the composition root may start a
   * range sync of `targetId` with that peer. Called without waiting; must not throw.
   */
  onUnknownParent?: (peer: PeerId, targetId: Hash) => void;
}

export interface PublishResult {
  /** The object's id (an entry's hash). */
  id: Hash;
  /** False when it was already stored here: it is gossiped all the same. */
  stored: boolean;
  /** How many peers it was sent to directly. */
  recipients: number;
}

type Handler = (data: Uint8Array, from: PeerId | undefined) => Promise<Hash>;

export class Gossip {
  readonly metrics = new GossipMetrics();
  readonly events: GossipEmitter;

  private readonly host: Host;
  private readonly logger: GossipLogger;
  private readonly validation: ValidationModules;
  /** Every topic with a validator installed. */
  private readonly topics = new Set<string>();
  /** Followed targets, by id hex. */
  private readonly followed = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private running = false;
  private readonly onHostStart = () => this.subscribeAll();

  constructor(
    _options: GossipOptions,
    private readonly modules: GossipModules,
  ) {
    this.host = modules.host;
    this.logger = modules.logger ?? { warn: (message, error) => console.warn(message, error) };
    this.validation = { store: modules.store, now: modules.now ?? Date.now };
    this.events = new GossipEmitter(this.logger);
  }

  private get pubsub() {
    return this.host.services.pubsub;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.install(TARGETS_TOPIC);
    for await (const id of this.modules.store.targets.ids()) this.followTarget(id);
    if (this.host.status === 'started') this.subscribeAll();
    else this.host.addEventListener('start', this.onHostStart, { once: true });
  }

  /** Stops judging and subscribing, then waits for the validations and publishes in progress. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.host.removeEventListener('start', this.onHostStart);
    // A stopped gossipsub has no subscriptions left (and refuses to unsubscribe).
    const subscribed = new Set(this.host.status === 'started' ? this.pubsub.getTopics() : []);
    for (const topic of this.topics) {
      this.pubsub.topicValidators.delete(topic);
      if (subscribed.has(topic)) this.pubsub.unsubscribe(topic);
    }
    this.topics.clear();
    this.followed.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Follows a target: validates, stores and forwards its commitments, candidates,
   * attestations and entries from now on. Done at start for every stored target and for
   * every new target accepted or published here; call it for a target stored some other way.
   */
  followTarget(targetId: Hash): void {
    const hex = hashHex(targetId);
    if (!this.running || this.followed.has(hex)) return;
    this.followed.add(hex);
    for (const kind of TARGET_TOPIC_KINDS) this.install(targetTopic(targetId, kind));
  }

  /**
   * Resolves true once a peer subscribes to the target's topic of `kind`, false after
   * `timeoutMs`: a node that just (re)connected has no mesh yet, and what it publishes
   * before then reaches nobody (gossip does not replay it later).
   */
  async waitForSubscribers(
    targetId: Hash,
    kind: TargetTopicKind,
    timeoutMs: number,
  ): Promise<boolean> {
    const topic = targetTopic(targetId, kind);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.host.status === 'started' && this.pubsub.getSubscribers(topic).length > 0) {
        return true;
      }
      if (!this.running || Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The ids (hex) of the targets followed. */
  followedTargets(): string[] {
    return [...this.followed];
  }

  // Each publish* decodes first, to learn the topic; a decode error rejects as is.

  async publishTarget(bytes: Uint8Array): Promise<PublishResult> {
    return this.publish(TARGETS_TOPIC, bytes);
  }

  async publishCommitment(bytes: Uint8Array): Promise<PublishResult> {
    const { target } = decodeSigned(COMMITMENT, bytes).value;
    return this.publish(targetTopic(target, 'commitments'), bytes);
  }

  async publishCandidate(bytes: Uint8Array): Promise<PublishResult> {
    const { target } = decodeSigned(CANDIDATE, bytes).value;
    return this.publish(targetTopic(target, 'candidates'), bytes);
  }

  async publishAttestation(bytes: Uint8Array): Promise<PublishResult> {
    const { target } = decodeSigned(ATTESTATION, bytes).value;
    return this.publish(targetTopic(target, 'attestations'), bytes);
  }

  async publishEntry(bytes: Uint8Array): Promise<PublishResult> {
    return this.publish(targetTopic(decodeEntry(bytes).target, 'entries'), bytes);
  }

  /**
   * Stores `bytes` through the topic's own validation (a duplicate is fine: it is gossiped
   * again), then publishes them. Anything else the validation refuses is thrown: a
   * ProtocolError or GossipError with its code.
   */
  private publish(topic: string, bytes: Uint8Array): Promise<PublishResult> {
    return this.track(
      (async () => {
        if (!this.running) throw new GossipError('not_running');
        const parsed = parseTopic(topic)!;
        const handler = this.handlerFor(parsed);
        let stored = true;
        let id: Hash;
        try {
          id = await handler(bytes, undefined);
        } catch (err) {
          if (!isProtocolError(err) || err.code !== 'duplicate') throw err;
          stored = false;
          id = idOf(parsed.kind, bytes);
        }
        const { recipients } = await this.pubsub.publish(topic, bytes);
        return { id, stored, recipients: recipients.length };
      })(),
    );
  }

  /** Installs the validator of a topic, scores it, and subscribes once the host runs. */
  private install(topic: string): void {
    if (this.topics.has(topic)) return;
    this.topics.add(topic);
    const parsed = parseTopic(topic)!;
    const handler = this.handlerFor(parsed);
    const validator: TopicValidatorFn = (from, message) =>
      this.track(this.judge(parsed.kind, () => handler(message.data, from)));
    scoreTopic(this.pubsub, topic);
    this.pubsub.topicValidators.set(topic, validator);
    if (this.host.status === 'started') this.pubsub.subscribe(topic);
  }

  private subscribeAll(): void {
    if (!this.running) return;
    for (const topic of this.topics) this.pubsub.subscribe(topic);
  }

  /** Runs a validation and turns its outcome into gossipsub's verdict (verdict.ts). */
  private async judge(kind: TopicKind, run: () => Promise<unknown>): Promise<TopicValidatorResult> {
    let outcome: unknown;
    try {
      if (!this.running) throw new GossipError('not_running');
      await run();
    } catch (err) {
      outcome = err ?? new Error('a validator threw nothing');
    }
    return toVerdict(outcome, { metrics: this.metrics, logger: this.logger, topic: kind });
  }

  /** Validates and stores one message of a topic, then tells listeners; returns its id. */
  private handlerFor(topic: ParsedTopic): Handler {
    const modules = this.validation;
    const events = this.events;
    if (topic.kind === 'targets') {
      return async (data, from) => {
        const { id, target } = await validateGossipTarget(modules, data);
        this.followTarget(id);
        events.emit('target', { id, target, from });
        return id;
      };
    }
    const topicTarget = topic.targetId;
    switch (topic.kind) {
      case 'commitments':
        return async (data, from) => {
          const accepted = await validateGossipCommitment(modules, { data, topicTarget });
          events.emit('commitment', { ...accepted, from });
          return accepted.id;
        };
      case 'candidates':
        return async (data, from) => {
          const accepted = await validateGossipCandidate(modules, { data, topicTarget });
          events.emit('candidate', { ...accepted, from });
          return accepted.id;
        };
      case 'attestations':
        return async (data, from) => {
          const accepted = await validateGossipAttestation(modules, { data, topicTarget });
          events.emit('attestation', { ...accepted, from });
          return accepted.id;
        };
      case 'entries':
        return async (data, from) => {
          const hooks = { onUnknownParent: (targetId: Hash) => this.unknownParent(from, targetId) };
          const { hash, entry, stored } = await validateGossipEntry(
            modules,
            { data, topicTarget },
            hooks,
          );
          events.emit('entry', { hash, entry, headChanged: stored.headChanged, from });
          if (stored.headChanged) {
            const head = { target: entry.target, head: stored.head, from };
            events.emit('head', stored.reorg ? { ...head, reorg: stored.reorg } : head);
          }
          return hash;
        };
    }
  }

  private unknownParent(from: PeerId | undefined, targetId: Hash): void {
    if (!from || !this.modules.onUnknownParent) return;
    try {
      this.modules.onUnknownParent(from, targetId);
    } catch (err) {
      this.logger.warn('gossip: onUnknownParent threw', err);
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }
}

/** The id of an object already stored, for a publish of a duplicate. */
function idOf(kind: TopicKind, bytes: Uint8Array): Hash {
  switch (kind) {
    case 'targets':
      return decodeSigned(TARGET, bytes).id;
    case 'commitments':
      return decodeSigned(COMMITMENT, bytes).id;
    case 'candidates':
      return decodeSigned(CANDIDATE, bytes).id;
    case 'attestations':
      return decodeSigned(ATTESTATION, bytes).id;
    case 'entries':
      return entryHashOfBytes(bytes);
  }
}
