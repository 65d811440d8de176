// Where everything sits on the one workbench every step shares (world units, 320 x 240, the
// performer at the bottom edge), and the six steps of the assembly as data: what is picked
// where, and where it goes. A wrong-part run picks from `wrongSource` instead.

export type Vec = readonly [number, number];

export type ItemKind = 'plate' | 'pin' | 'screw' | 'bearing' | 'cover' | 'label' | 'oring' | 'reject_label' | 'plate_b' | 'cover_b';

export type SourceId = 'bin0' | 'bin1' | 'bin2' | 'bin3' | 'plate_stack' | 'plate_stack_b' | 'cover_stack' | 'cover_stack_b' | 'label_dispenser' | 'reject_slot';

export interface Source {
  /** Where the fingertips take a part. */
  at: Vec;
  item: ItemKind;
}

export const BINS: ReadonlyArray<{ id: SourceId; centre: Vec; color: readonly [number, number, number]; item: ItemKind }> = [
  { id: 'bin0', centre: [60, 40], color: [38, 84, 165], item: 'pin' },
  { id: 'bin1', centre: [124, 40], color: [170, 48, 42], item: 'screw' },
  { id: 'bin2', centre: [196, 40], color: [205, 165, 38], item: 'bearing' },
  { id: 'bin3', centre: [260, 40], color: [52, 130, 70], item: 'oring' },
];
export const BIN_HALF: Vec = [28, 19];

export const FIXTURE: { centre: Vec; half: Vec } = { centre: [160, 128], half: [38, 29] };
// Each stack has a look-alike beside it (another alloy, another colour): the wrong-part picks.
export const PLATE_STACK: Vec = [46, 112];
export const PLATE_STACK_B: Vec = [46, 152];
export const COVER_STACK: Vec = [274, 112];
export const COVER_STACK_B: Vec = [274, 150];
export const RACK: { centre: Vec; screwdriver: Vec; angle: number } = { centre: [262, 203], screwdriver: [258, 200], angle: -0.35 };
export const DISPENSER: { centre: Vec; label: Vec; reject: Vec } = { centre: [54, 200], label: [66, 190], reject: [66, 206] };

export const SOURCES: Record<SourceId, Source> = {
  bin0: { at: [60, 42], item: 'pin' },
  bin1: { at: [124, 42], item: 'screw' },
  bin2: { at: [196, 42], item: 'bearing' },
  bin3: { at: [260, 42], item: 'oring' },
  plate_stack: { at: PLATE_STACK, item: 'plate' },
  plate_stack_b: { at: PLATE_STACK_B, item: 'plate_b' },
  cover_stack: { at: COVER_STACK, item: 'cover' },
  cover_stack_b: { at: COVER_STACK_B, item: 'cover_b' },
  label_dispenser: { at: DISPENSER.label, item: 'label' },
  reject_slot: { at: DISPENSER.reject, item: 'reject_label' },
};

export type StepKind = 'pick_place' | 'fasten';

export interface StepDef {
  name: string;
  kind: StepKind;
  source: SourceId;
  wrongSource: SourceId;
  /** Where the part goes (its centre), and its angle there. */
  target: Vec;
  angle: number;
  /** Relative length of the step for a typical performer. */
  weight: number;
}

const [FX, FY] = FIXTURE.centre;

export const BENCH_STEPS: readonly StepDef[] = [
  { name: 'seat base plate in fixture', kind: 'pick_place', source: 'plate_stack', wrongSource: 'plate_stack_b', target: [FX, FY], angle: 0, weight: 1 },
  { name: 'insert locating pin', kind: 'pick_place', source: 'bin0', wrongSource: 'bin1', target: [FX - 17, FY - 8], angle: 0, weight: 0.9 },
  { name: 'fit bearing', kind: 'pick_place', source: 'bin2', wrongSource: 'bin3', target: [FX + 1, FY + 3], angle: 0, weight: 0.95 },
  { name: 'drive screw', kind: 'fasten', source: 'bin1', wrongSource: 'bin0', target: [FX + 17, FY - 8], angle: 0, weight: 1.35 },
  { name: 'place cover', kind: 'pick_place', source: 'cover_stack', wrongSource: 'cover_stack_b', target: [FX + 1, FY + 4], angle: 0, weight: 1 },
  { name: 'apply inspection label', kind: 'pick_place', source: 'label_dispenser', wrongSource: 'reject_slot', target: [FX + 6, FY + 8], angle: -0.05, weight: 0.9 },
];
