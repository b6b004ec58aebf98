/**
 * `gatehouse demo` (what `npm start` runs): the demo backends on loopback and the gateway in front
 * of them. Wired into the command by bin/run.mjs, so that the gateway never imports the demo.
 */
import { resolveConfig } from '../../gateway/config/index.ts';
import type { Gateway } from '../../gateway/create-gateway.ts';
import { createLogger } from '../../gateway/logger/index.ts';
import { serve } from '../../gateway/main.ts';
import { startDemo } from './index.ts';

export async function runDemo(options: { host?: string; port?: number }): Promise<Gateway> {
  const demo = await startDemo();
  try {
    const server = {
      ...demo.config.server,
      ...(options.host !== undefined && { host: options.host }),
      ...(options.port !== undefined && { port: options.port }),
    };
    const config = resolveConfig({ ...demo.config, server }, { baseDir: demo.baseDir });
    const gateway = await serve(config, demo.close);
    createLogger().info(
      `demo backends: ${Object.entries(demo.servers)
        .map(([name, server]) => `${name} ${server.url}`)
        .join(', ')}; open the GraphQL URL in a browser for GraphiQL`,
    );
    return gateway;
  } catch (error) {
    // The backends would keep the process alive after the error is reported.
    await demo.close();
    throw error;
  }
}
