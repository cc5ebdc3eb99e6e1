/** The body of an answer from a service we call, refused rather than buffered past `limit` bytes. */
export async function readLimited(response: Response, limit: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) throw new Error(`response larger than ${limit} bytes`);
  const body = new Uint8Array(await response.arrayBuffer());
  if (body.byteLength > limit) throw new Error(`response larger than ${limit} bytes`);
  return body;
}
