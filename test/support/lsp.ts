/**
 * A minimal Language Server Protocol client over stdio, used to drive the real yaml-language-server
 * (the engine of the VS Code YAML extension) headlessly. Every wait is bounded; `close()` always ends
 * the process (shutdown/exit, then kill).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../src/io/project.js';

export const YAML_LANGUAGE_SERVER = join(PROJECT_ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server');

/**
 * Settings answered to the server's `workspace/configuration` pulls: validation on, no network, and YAML 1.1
 * scalars (`yes`, `on`, `0777`), which is how Helm reads values files (what the README recommends).
 */
export const YAML_SETTINGS = {
  yaml: {
    yamlVersion: '1.1',
    validate: true,
    hover: true,
    completion: true,
    format: { enable: false },
    schemaStore: { enable: false, url: '' },
    kubernetesCRDStore: { enable: false },
    schemas: {},
  },
  http: { proxy: '', proxyStrictSSL: false },
  '[yaml]': {},
  editor: {},
};

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface Diagnostic {
  range: Range;
  /** 1 error, 2 warning, 3 information, 4 hint. */
  severity?: number;
  message: string;
  source?: string;
  code?: string | number;
}
export interface Hover { contents: string | { kind?: string; value: string } | Array<string | { value: string }>; range?: Range }
export interface CompletionItem { label: string; kind?: number; detail?: string; documentation?: string | { value: string }; insertText?: string }

interface Message {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string; data?: unknown };
}

type Pending = { resolve: (value: any) => void; reject: (error: Error) => void; timer: NodeJS.Timeout; method: string };

export interface LspClientOptions {
  /** Workspace root folder (rootUri). */
  root?: string;
  /** Upper bound of each request/wait in ms. */
  timeoutMs?: number;
  /** Settings returned for `workspace/configuration` sections, keyed by section name. */
  settings?: Record<string, unknown>;
}

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly timeoutMs: number;
  /** Sections the server asked for via workspace/configuration (in order). */
  readonly configurationRequests: string[] = [];
  /** Server requests/notifications we did not expect, for debugging. */
  readonly log: string[] = [];
  stderr = '';
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private diagnostics = new Map<string, Diagnostic[][]>();
  private diagnosticWaiters = new Map<string, Array<(d: Diagnostic[]) => void>>();
  private versions = new Map<string, number>();
  private exited = false;
  private readonly settings: Record<string, unknown>;
  private configured!: Promise<void>;
  private markConfigured!: () => void;

  private constructor(options: LspClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.settings = options.settings ?? YAML_SETTINGS;
    this.configured = new Promise((resolve) => (this.markConfigured = resolve));
    this.proc = spawn(process.execPath, [YAML_LANGUAGE_SERVER, '--stdio'], {
      cwd: options.root ?? PROJECT_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      // No proxy and no network access is needed: the schema comes from a local file via the modeline.
      env: { ...process.env, HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '' },
    });
    this.proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.proc.on('exit', (code, signal) => {
      this.exited = true;
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`yaml-language-server exited (code ${code}, signal ${signal}) during ${p.method}\n${this.stderr}`));
      }
      this.pending.clear();
    });
    this.proc.on('error', (err) => this.log.push(`spawn error: ${err.message}`));
    // Never outlive the test process, whatever happens to close().
    process.once('exit', this.killOnExit);
    this.proc.once('exit', () => process.removeListener('exit', this.killOnExit));
  }

  private readonly killOnExit = (): void => {
    if (!this.exited) this.proc.kill('SIGKILL');
  };

  /** Spawns the server and performs initialize/initialized; resolves once the server pulled its settings. */
  static async start(options: LspClientOptions = {}): Promise<LspClient> {
    const client = new LspClient(options);
    try {
      const root = options.root ?? PROJECT_ROOT;
      await client.request('initialize', {
        processId: process.pid,
        clientInfo: { name: 'retool-chart-ide-test' },
        locale: 'en',
        rootUri: pathToFileURL(root).href,
        workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'root' }],
        capabilities: {
          workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: false } },
          textDocument: {
            synchronization: { dynamicRegistration: false, didSave: false },
            publishDiagnostics: { relatedInformation: true, versionSupport: false },
            hover: { dynamicRegistration: false, contentFormat: ['markdown', 'plaintext'] },
            completion: {
              dynamicRegistration: false,
              completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
            },
          },
        },
      });
      client.notify('initialized', {});
      await client.withTimeout(client.configured, 'the server to request workspace/configuration');
      return client;
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  /** Sends a request and resolves with its result (rejects on error or timeout). */
  request<T = any>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.exited) return reject(new Error(`yaml-language-server is not running (${method})\n${this.stderr}`));
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`LSP request ${method} timed out after ${this.timeoutMs} ms\n${this.stderr}`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer, method });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** Opens a document (languageId yaml) with the given text; the file need not exist unless the modeline is relative. */
  open(uri: string, text: string): void {
    // Re-opening an open document just replaces it on the server (no didClose: that would publish an
    // empty diagnostics list that could be mistaken for the answer to this open).
    this.versions.set(uri, 1);
    this.diagnostics.delete(uri);
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  }

  /** Replaces the whole text of an open document. */
  change(uri: string, text: string): void {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.diagnostics.delete(uri);
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  closeDocument(uri: string): void {
    this.versions.delete(uri);
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /** Opens a file from disk (its file:// URI) and returns the first diagnostics published for it. */
  async openFile(path: string): Promise<{ uri: string; text: string; diagnostics: Diagnostic[] }> {
    const uri = pathToFileURL(path).href;
    const text = readFileSync(path, 'utf8');
    this.open(uri, text);
    return { uri, text, diagnostics: await this.waitForDiagnostics(uri) };
  }

  /** The next (or an already received, since the last open/change) textDocument/publishDiagnostics for uri. */
  waitForDiagnostics(uri: string): Promise<Diagnostic[]> {
    const received = this.diagnostics.get(uri);
    if (received && received.length > 0) return Promise.resolve(received[received.length - 1]);
    const waiting = new Promise<Diagnostic[]>((resolve) => {
      const list = this.diagnosticWaiters.get(uri) ?? [];
      list.push(resolve);
      this.diagnosticWaiters.set(uri, list);
    });
    return this.withTimeout(waiting, `textDocument/publishDiagnostics for ${uri}`);
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.request('textDocument/hover', { textDocument: { uri }, position });
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const result = await this.request<CompletionItem[] | { items: CompletionItem[] } | null>('textDocument/completion', {
      textDocument: { uri },
      position,
      context: { triggerKind: 1 },
    });
    if (!result) return [];
    return Array.isArray(result) ? result : result.items;
  }

  /** shutdown + exit, then kill whatever is left; never throws, bounded to a few seconds. */
  async close(): Promise<void> {
    if (this.exited) return;
    try {
      const shutdown = this.request('shutdown', null).catch(() => undefined);
      await Promise.race([shutdown, delay(Math.min(this.timeoutMs, 3000))]);
      this.notify('exit', null);
    } catch {
      // fall through to kill
    }
    if (!this.exited) {
      await Promise.race([new Promise<void>((resolve) => this.proc.once('exit', () => resolve())), delay(1000)]);
    }
    if (!this.exited) this.proc.kill('SIGKILL');
    this.proc.stdin.destroy();
  }

  private withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Timed out after ${this.timeoutMs} ms waiting for ${what}\nserver log:\n${this.log.join('\n')}\nstderr:\n${this.stderr}`)),
        this.timeoutMs,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private send(message: Message): void {
    if (this.exited || !this.proc.stdin.writable) return;
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const match = /Content-Length:\s*(\d+)/i.exec(header);
      if (!match) throw new Error(`LSP frame without Content-Length: ${header}`);
      const length = Number(match[1]);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(message: Message): void {
    // Response to one of our requests.
    if (message.method === undefined && typeof message.id === 'number') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.error) pending.reject(new Error(`LSP ${pending.method} failed: ${message.error.message}`));
      else pending.resolve(message.result);
      return;
    }
    // Request from the server.
    if (message.method !== undefined && message.id !== undefined && message.id !== null) {
      let result: unknown = null;
      if (message.method === 'workspace/configuration') {
        const items = (message.params?.items ?? []) as Array<{ section?: string }>;
        result = items.map((item) => {
          const section = item.section ?? '';
          this.configurationRequests.push(section);
          return section in this.settings ? this.settings[section] : dotted(this.settings, section);
        });
        // The first pull is the global settings pull triggered by `initialized`.
        if (items.some((item) => item.section === 'yaml')) setImmediate(() => this.markConfigured());
      } else if (message.method !== 'client/registerCapability' && message.method !== 'window/workDoneProgress/create') {
        this.log.push(`request ${message.method}: ${JSON.stringify(message.params)}`);
      }
      this.send({ jsonrpc: '2.0', id: message.id, result });
      return;
    }
    // Notification from the server.
    if (message.method === 'textDocument/publishDiagnostics') {
      const { uri, diagnostics } = message.params as { uri: string; diagnostics: Diagnostic[] };
      const list = this.diagnostics.get(uri) ?? [];
      list.push(diagnostics);
      this.diagnostics.set(uri, list);
      const waiters = this.diagnosticWaiters.get(uri);
      if (waiters) {
        this.diagnosticWaiters.delete(uri);
        for (const resolve of waiters) resolve(diagnostics);
      }
    } else if (message.method !== undefined) {
      this.log.push(`${message.method}: ${JSON.stringify(message.params)}`);
    }
  }
}

function dotted(settings: Record<string, unknown>, section: string): unknown {
  let value: unknown = settings;
  for (const part of section.split('.')) {
    if (value === null || typeof value !== 'object' || !(part in value)) return null;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Plain text of a hover result. */
export function hoverText(hover: Hover | null): string {
  if (!hover) return '';
  const c = hover.contents;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((part) => (typeof part === 'string' ? part : part.value)).join('\n');
  return c.value;
}

/** One diagnostic per line, for readable assertion messages. */
export function formatDiagnostics(diagnostics: Diagnostic[]): string {
  if (diagnostics.length === 0) return '  (none)';
  return diagnostics
    .map((d) => `  ${d.range.start.line + 1}:${d.range.start.character + 1} [${severityName(d.severity)}] ${d.message.replace(/\n/g, ' ⏎ ')}`)
    .join('\n');
}

function severityName(severity: number | undefined): string {
  return ['?', 'error', 'warning', 'info', 'hint'][severity ?? 0] ?? String(severity);
}
