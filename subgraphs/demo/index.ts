import type { GatehouseConfigInput } from '../../gateway/config/index.ts';

export interface Demo {
  config: GatehouseConfigInput;
  baseDir: string;
  close(): Promise<void>;
}

export async function startDemo(): Promise<Demo> {
  throw new Error('the demo graph is not built yet');
}
