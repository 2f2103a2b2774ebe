// The load generator of 'Tether.LoadDriver compare' as a Node MCP client: the MCP TypeScript SDK's Client over its
// Streamable HTTP transport. It answers the same one-JSON-command-a-line protocol as the driver's own generator child:
//   {"Op":"init","Key":K,"Name":N,"Url":U,"Bearer":B|null,"Tool":"echo"|"stream"}  ->  {}
//   {"Op":"run","Key":K,"Name":N,"Concurrency":C,"Milliseconds":M}               ->  a LoadResult
// Every call must come back with its own message; anything else counts as an error.
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const sessions = new Map();

// A session per run: the SDK's transport adds an abort listener per call to one long-lived signal, and a signal with
// thousands of listeners would make later runs slower than earlier ones.
async function connect(session) {
  const headers = session.bearer ? { Authorization: `Bearer ${session.bearer}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(session.url), { requestInit: { headers } });
  // The name carries the tool: a server on this SDK picks JSON or an event stream per session.
  const client = new Client({ name: `tether-load-node-${session.tool}`, version: '1' });
  await client.connect(transport);
  return client;
}

async function open(command) {
  const session = { url: command.Url, bearer: command.Bearer, name: command.Name, tool: command.Tool };
  await (await connect(session)).close();
  sessions.set(command.Key, session);
}

async function caller(client, session, worker, deadline, latencies) {
  let errors = 0;
  // The stream tool's progress events are the request's own: the SDK routes them to onprogress.
  const options = session.tool === 'stream' ? { onprogress: () => {} } : undefined;
  for (let i = 0; performance.now() < deadline; i++) {
    const message = `hello-${worker}-${i}`;
    const start = performance.now();
    try {
      const result = await client.callTool({ name: session.tool, arguments: { message } }, undefined, options);
      latencies.push(performance.now() - start);
      if (result.content?.[0]?.text !== message) {
        errors++;
      }
    } catch {
      latencies.push(performance.now() - start);
      errors++;
    }
  }

  return errors;
}

async function run(command) {
  const session = sessions.get(command.Key);
  const client = await connect(session);
  const latencies = [];
  const began = performance.now();
  const deadline = began + command.Milliseconds;
  const workers = Array.from({ length: command.Concurrency }, (_, w) => caller(client, session, w, deadline, latencies));
  const errors = (await Promise.all(workers)).reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - began) / 1000;
  await client.close();
  latencies.sort((a, b) => a - b);
  return { Target: session.name, Concurrency: command.Concurrency, RequestsPerSecond: latencies.length / seconds, LatenciesMs: latencies, Errors: errors };
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const command = JSON.parse(line);
  const answer = command.Op === 'init' ? (await open(command), {}) : await run(command);
  process.stdout.write(JSON.stringify(answer) + '\n');
}
