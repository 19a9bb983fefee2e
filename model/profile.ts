/**
 * The two profiles of one model (kernel.md, preamble): `eclipse-b` is the kernel as built, with its
 * weaknesses; `reference` is the design that should pass every invariant. A profile is read where
 * it matters, never a copy of the model.
 */
export const PROFILES = ['reference', 'eclipse-b'] as const;
export type Profile = (typeof PROFILES)[number];

export function isProfile(name: string): name is Profile {
  return (PROFILES as readonly string[]).includes(name);
}

export const PROFILE_DESCRIPTIONS: Record<Profile, string> = {
  reference: 'the finished design (virtio-mmio v2, interrupts, up to N/3 requests in flight, reset recovery); must pass every check',
  'eclipse-b': 'the v0.1.0 kernel as built (legacy PCI, no features, one request at a time, polled with a spin timeout)',
};
