import { Arg, Ctx, ID, Int, Query, Resolver, registerEnumType } from 'type-graphql';
import { enumOf } from '../kernel/enums';
import type { RequestContext } from '../kernel/context';
import { IdentifierInput } from './entity.input';
import { LinkKindEnum } from './entity.type';
import { caseExport, EXPORT_FORMATS, type ExportFormat, networkExport } from './export.service';
import type { LinkKind } from './observe';

export const ExportFormatEnum = enumOf(EXPORT_FORMATS);
registerEnumType(ExportFormatEnum, {
  name: 'ExportFormat',
  description:
    "STIX: a STIX 2.1 bundle (JSON) with TLP 2.0 markings; I2_ENTITIES / I2_LINKS: the entity and link CSV files of i2 Analyst's Notebook's import wizard (docs/formats.md)",
});

/** Exchange formats of the link-analysis answers: each is the `network` answer the caller would get, written in another notation. */
@Resolver()
export class ExportResolver {
  @Query(() => String, {
    description:
      'The network around entities, persons or cases (the same answer as `network`, with the same arguments), as a STIX 2.1 bundle or i2 CSV; only what you may read, each personal value recorded in the audit trail as a consultation',
  })
  networkExport(
    @Arg('seeds', () => [ID], { nullable: true, description: 'Entity, person or case ids' }) seeds: string[] | undefined,
    @Arg('identifiers', () => [IdentifierInput], {
      nullable: true,
      description: 'Entities by kind and value, found as `entities(filter:)` finds them (only values you may read); with `seeds`, at most 100 seeds in all',
    })
    identifiers: IdentifierInput[] | undefined,
    @Arg('format', () => ExportFormatEnum) format: ExportFormat,
    @Arg('depth', () => Int, { defaultValue: 2, description: '1 to 3' }) depth: number,
    @Arg('linkKinds', () => [LinkKindEnum], { nullable: true, description: 'Follow only links of these kinds' }) linkKinds: LinkKind[] | undefined,
    @Arg('observations', () => Boolean, { defaultValue: true, description: 'Follow entity–case observations (OBSERVED_IN edges)' }) observations: boolean,
    @Arg('from', () => String, { nullable: true, description: 'YYYY-MM-DD: links valid, and observations made, on or after' }) from: string | undefined,
    @Arg('to', () => String, { nullable: true, description: 'YYYY-MM-DD: links valid, and observations made, on or before' }) to: string | undefined,
    @Arg('nodeLimit', () => Int, { defaultValue: 200, description: 'At most 1000' }) nodeLimit: number,
    @Arg('degreeCap', () => Int, { defaultValue: 50, description: 'A node with more edges is a hub and not expanded (at most 500)' }) degreeCap: number,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    return networkExport(ctx, { seeds, identifiers, depth, linkKinds, observations, from, to, nodeLimit, degreeCap }, format);
  }

  @Query(() => String, {
    description:
      "A case's entities and links (the entities observed in it, its persons and their links) as a STIX 2.1 bundle or i2 CSV; only what you may read, each personal value recorded in the audit trail as a consultation",
  })
  caseExport(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('format', () => ExportFormatEnum) format: ExportFormat,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    return caseExport(ctx, caseId, format);
  }
}
