import 'reflect-metadata';
import { createApp } from './bootstrap';
import { ConfigurationError, validateEnvironment } from './config/environment';
import { loadPolicy } from './config/policy';

async function main(): Promise<void> {
  // Refuse to start on bad configuration, naming the variable, before anything connects.
  let env;
  try {
    env = validateEnvironment(process.env);
    loadPolicy(env.POLICY_FILE);
  } catch (e) {
    const message = e instanceof ConfigurationError ? e.message : (e as Error).message;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
  const app = await createApp();
  await app.listen({ port: env.PORT, host: '0.0.0.0' });
}

main().catch((e: unknown) => {
  process.stderr.write(`yibao-flow failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
