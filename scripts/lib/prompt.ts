/**
 * Reading secrets without echo, for keystore passwords and imported private keys.
 */
import { createInterface } from "node:readline";

/**
 * Asks a question on stderr and reads the answer from the terminal without echoing it.
 *
 * @param question - The prompt, e.g. "Password for alice: ".
 * @returns The answer, without the trailing newline.
 * @throws Error when stdin is not a terminal (there is nobody to ask).
 */
export async function readSecret(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new Error("stdin is not a terminal");
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // Echo nothing while the secret is typed (readline writes each keystroke through _writeToOutput).
  const internals = rl as unknown as { _writeToOutput: (text: string) => void };
  process.stderr.write(question);
  internals._writeToOutput = () => {};
  try {
    return await new Promise<string>((resolve) => rl.question("", resolve));
  } finally {
    rl.close();
    process.stderr.write("\n");
  }
}

/**
 * Reads all of stdin (for a secret piped in, e.g. `goods-ledger key import ops < key.txt`).
 *
 * @returns The text, trimmed.
 */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}
