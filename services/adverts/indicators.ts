/**
 * What an advert's text may say about the person advertised, read from English and Romanian
 * wording: the one place the keyword sets live. Each indicator is a set of patterns over the text
 * lower-cased with its diacritics removed (so `nouă în oraș`, `noua in oras` and `nouă în oraş`
 * all match), and a weight the leads add up.
 */
export const TEXT_INDICATORS = {
  /** Someone else speaks for her: "my girl", "she is", "call my friend", "fetele mele". */
  THIRD_PARTY: {
    weight: 3,
    patterns: [
      /\bmy (girl|girls|friend|friends)\b/,
      /\bshe (is|will|does|offers|speaks|likes)\b/,
      /\b(call|text|book) (me )?for (her|them)\b/,
      /\bi have (new )?girls\b/,
      /\bfetele mele\b/,
      /\bfata mea\b/,
      /\bprietena mea\b/,
      /\b(ea|ele) (este|sunt|ofera|vorbeste)\b/,
    ],
  },
  /** Just arrived, moved on soon: "new in town", "just arrived", "nouă în oraș", "abia sosită". */
  NEW_IN_TOWN: {
    weight: 2,
    patterns: [
      /\bnew in (town|the city|[a-z]+)\b/,
      /\bjust arrived\b/,
      /\bfirst (time|week|days) in\b/,
      /\bonly (this|a few) (week|days)\b/,
      /\bnoua in oras\b/,
      /\babia (sosita|venita|am ajuns)\b/,
      /\bproaspat sosita\b/,
      /\bdoar (cateva zile|o saptamana)\b/,
    ],
  },
  /** Ages under 18 stated, or words that mean a child: "16 yo", "schoolgirl", "minoră", "elevă". */
  CHILD_AGE: {
    weight: 5,
    patterns: [
      /\b(1[0-7])\s*(yo|y\.o\.|yrs?|years?|ani|de ani)\b/,
      /\bage:?\s*(1[0-7])\b/,
      /\bvarsta:?\s*(1[0-7])\b/,
      /\bschool ?girl\b/,
      /\bbarely legal\b/,
      /\bminora\b/,
      /\beleva\b/,
      /\bliceana\b/,
    ],
  },
} as const;
export type TextIndicator = keyof typeof TEXT_INDICATORS;

/**
 * Indicators of a number rather than a text: the same phone on adverts of several different women
 * (adverts that share no image). Leads add them; their weight is here with the others'.
 */
export const NUMBER_INDICATORS = {
  MANY_ON_ONE_NUMBER: { weight: 4, minWomen: 3 },
} as const;
export type NumberIndicator = keyof typeof NUMBER_INDICATORS;

export type AdvertIndicator = TextIndicator | NumberIndicator;

export const INDICATOR_WEIGHTS: Record<AdvertIndicator, number> = {
  ...(Object.fromEntries(Object.entries(TEXT_INDICATORS).map(([k, v]) => [k, v.weight])) as Record<TextIndicator, number>),
  MANY_ON_ONE_NUMBER: NUMBER_INDICATORS.MANY_ON_ONE_NUMBER.weight,
};

/** Lower case without diacritics (ș, ş, ț, ţ, ă, â, î fold to s, t, a, i). */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The text indicators an advert's text shows, in the order of TEXT_INDICATORS. */
export function textIndicators(text: string | null | undefined): TextIndicator[] {
  if (!text) return [];
  const folded = foldText(text);
  return (Object.keys(TEXT_INDICATORS) as TextIndicator[]).filter((k) => TEXT_INDICATORS[k].patterns.some((p: RegExp) => p.test(folded)));
}
