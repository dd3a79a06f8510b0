/**
 * The same keys as the English texts, every one of them translated (a missing key fails the type
 * check); at any level Romanian may add the plural form English has not (`_few`: 2–19).
 */
export type Translation<T> = { [K in keyof T]: T[K] extends string ? string : Translation<T[K]> } & { [few: `${string}_few`]: string };

/**
 * One area's texts in English and Romanian (ș and ț with the comma below: U+0219, U+021B). Romanian
 * may add plural forms English has not (`_few`: 2–19).
 */
export function texts<T extends object>(en: T, ro: Translation<T> & Record<string, unknown>): { en: T; ro: Translation<T> } {
  return { en, ro };
}
