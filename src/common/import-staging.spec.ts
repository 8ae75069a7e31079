import { existsSync } from 'node:fs';
import { ImportSlots, ImportStaging } from './import-staging';

describe('ImportStaging', () => {
  it('gives the rows back in order, in batches, and leaves no file behind', async () => {
    const staging = await ImportStaging.open<{ n: number; id: string }>();
    for (let n = 1; n <= 2500; n++) {
      await staging.add({ n, id: `33010619800101${String(n).padStart(4, '0')}` });
    }
    const sizes: number[] = [];
    const seen: number[] = [];
    for await (const batch of staging.batches(1000)) {
      sizes.push(batch.length);
      seen.push(...batch.map((r) => r.n));
    }
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    const dir = staging.dir;
    expect(existsSync(dir)).toBe(true);
    await staging.discard();
    expect(existsSync(dir)).toBe(false);
  });
});

describe('ImportSlots', () => {
  it('refuses the import above the limit until one is released, and releases once', () => {
    const slots = new ImportSlots(2);
    const a = slots.tryAcquire();
    const b = slots.tryAcquire();
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(slots.tryAcquire()).toBeNull();
    a!();
    a!();
    expect(slots.tryAcquire()).not.toBeNull();
    expect(slots.tryAcquire()).toBeNull();
  });
});
