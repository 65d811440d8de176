import express, { type Request, type Response } from 'express';

const parsers = new Map<string, ReturnType<typeof express.raw>>();

/**
 * The request body as bytes (any content type), for routes that must see a body the JSON
 * parser would refuse (the CloudEvents ingress records an unparseable event). Honours a body
 * the functions framework already read into rawBody.
 */
export async function readRawBody(req: Request, res: Response, limit = '2mb'): Promise<Buffer> {
  const pre = (req as Request & { rawBody?: Buffer }).rawBody;
  if (pre) return pre;
  if (Buffer.isBuffer(req.body)) return req.body;
  let parse = parsers.get(limit);
  if (!parse) parsers.set(limit, (parse = express.raw({ type: () => true, limit })));
  await new Promise<void>((resolve, reject) => parse!(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}
