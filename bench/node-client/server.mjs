// The MCP server of 'Tether.LoadDriver compare --server node': the MCP TypeScript SDK's server over its Streamable HTTP
// transport, as the Node MCP servers people put behind a proxy run. It checks the bearer (argv[2]), prints its URL on
// one line, and lives until its standard input closes, so that it never outlives the driver.
// Tools, as the driver's own minimal server has them: 'echo' returns its message; 'stream' sends 8 progress
// notifications, then returns its message. A session answers with JSON, or with an event stream when its client's name
// ends in '-stream' (the SDK's transport decides that per session, not per call).
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

const bearer = `Bearer ${process.argv[2]}`;
const streamedEvents = 8;
const sessions = new Map();

function mcpServer() {
  const server = new Server({ name: 'bench-node', version: '1' }, { capabilities: { tools: {} } });
  const schema = { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] };
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [{ name: 'echo', inputSchema: schema }, { name: 'stream', inputSchema: schema }],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const message = String(request.params.arguments?.message ?? '');
    if (request.params.name === 'stream') {
      const progressToken = request.params._meta?.progressToken ?? extra.requestId;
      for (let progress = 1; progress <= streamedEvents; progress++) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total: streamedEvents } });
      }
    }

    return { content: [{ type: 'text', text: message }] };
  });
  return server;
}

async function readJson(request) {
  const chunks = [];
  for await (const chunk of request) {
    chunks.push(chunk);
  }

  return chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function handle(request, response) {
  if (request.headers.authorization !== bearer) {
    response.writeHead(401).end();
    return;
  }

  const body = request.method === 'POST' ? await readJson(request) : undefined;
  const id = request.headers['mcp-session-id'];
  let transport = typeof id === 'string' ? sessions.get(id) : undefined;
  if (transport === undefined) {
    if (id !== undefined || !isInitializeRequest(body)) {
      response.writeHead(id === undefined ? 400 : 404).end();
      return;
    }

    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: !String(body.params.clientInfo?.name ?? '').endsWith('-stream'),
      onsessioninitialized: session => sessions.set(session, transport),
    });
    transport.onclose = () => sessions.delete(transport.sessionId);
    await mcpServer().connect(transport);
  }

  await transport.handleRequest(request, response, body);
}

const http = createServer((request, response) => {
  handle(request, response).catch(() => {
    if (!response.headersSent) {
      response.writeHead(500);
    }

    response.end();
  });
});
http.keepAliveTimeout = 120_000;
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${http.address().port}/mcp\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
