/**
 * The ceiling: a bare Socket.IO relay on the same wire shape as Palaver
 * (`message:send` with an ack, `message:new` to the other user's room, messages
 * with the same fields), with no validation, no authorization and no
 * persistence. Run by the load benchmark as a child process; prints
 * `listening <port>`.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false });
let seq = 0;
io.on('connection', (socket) => {
  const user = String((socket.handshake.auth as { user?: string }).user);
  void socket.join(`user:${user}`);
  socket.on(
    'message:send',
    (payload: { to: string; conversationId: string; body: string; clientId: string }, ack: (r: unknown) => void) => {
      // The same fields (and so about the same bytes) as a message from Palaver.
      const message = {
        id: randomUUID(),
        clientId: payload.clientId,
        conversationId: payload.conversationId,
        seq: ++seq,
        senderId: user,
        fromAdmin: false,
        body: payload.body,
        attachments: [],
        createdAt: new Date().toISOString(),
      };
      ack({ ok: true, message });
      socket.to(`user:${payload.to}`).emit('message:new', message);
    },
  );
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(http.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
