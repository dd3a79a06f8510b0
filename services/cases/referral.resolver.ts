import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import { PersonType } from './case.type';
import { chartTitle, nrmChartSvg, svgToPng } from './nrm-chart';
import * as statistics from './nrm-statistics.service';
import * as referrals from './referral.service';
import {
  ChartFormat,
  ChartImageType,
  ChartLanguage,
  NrmChartMeasure,
  NrmStatisticsDimension,
  NrmStatisticsTableType,
  RecordReferralStageInput,
  ReferralMechanism,
  ReferralStageFilter,
  ReferralStageOrder,
  ReferralStageType,
} from './referral.type';
import { Connection } from '../kernel/pagination';

export const ReferralStageConnection = Connection(ReferralStageType, 'ReferralStage');

@Resolver(() => ReferralStageType)
export class ReferralStageResolver {
  @Query(() => ReferralStageType, { nullable: true, description: 'One referral-mechanism stage; NOT_FOUND when it does not exist or does not reach you' })
  referralStage(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return referrals.getReferralStage(ctx, id);
  }

  @Query(() => ReferralStageConnection, { description: 'Referral-mechanism stages that reach you; filters and sorts only on fields you can read' })
  referralStages(
    @Arg('filter', () => ReferralStageFilter, { nullable: true }) filter: ReferralStageFilter | undefined,
    @Arg('orderBy', () => ReferralStageOrder, { nullable: true }) orderBy: ReferralStageOrder | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return referrals.listReferralStages(ctx, filter, orderBy, page);
  }

  @Mutation(() => ReferralStageType, {
    description: "Records the next stage of a victim's referral path (owner agency only; legal order; idempotent for the same stage, outcome and date)",
  })
  recordReferralStage(@Arg('input', () => RecordReferralStageInput) input: RecordReferralStageInput, @Ctx() ctx: RequestContext) {
    return referrals.recordReferralStage(ctx, input);
  }

  @Query(() => NrmStatisticsTableType, {
    description: "A referral mechanism's statistics per quarter of referral and group (the UK's NRM by default); counts perturbed for banks and NGOs",
  })
  nrmStatistics(
    @Arg('periodFrom', () => String) periodFrom: string,
    @Arg('periodTo', () => String) periodTo: string,
    @Arg('by', () => NrmStatisticsDimension) by: NrmStatisticsDimension,
    @Arg('mechanism', () => ReferralMechanism, { defaultValue: ReferralMechanism.UK_NRM }) mechanism: ReferralMechanism,
    @Ctx() ctx: RequestContext,
  ) {
    return statistics.nrmStatistics(ctx, mechanism, periodFrom, periodTo, by);
  }

  @Query(() => ChartImageType, { description: 'A chart of nrmStatistics (the same table, as released to you), as SVG or PNG' })
  async nrmStatisticsChart(
    @Arg('periodFrom', () => String) periodFrom: string,
    @Arg('periodTo', () => String) periodTo: string,
    @Arg('by', () => NrmStatisticsDimension) by: NrmStatisticsDimension,
    @Arg('measure', () => NrmChartMeasure) measure: NrmChartMeasure,
    @Arg('format', () => ChartFormat, { defaultValue: ChartFormat.SVG }) format: ChartFormat,
    @Arg('language', () => ChartLanguage, { defaultValue: ChartLanguage.EN }) language: ChartLanguage,
    @Arg('mechanism', () => ReferralMechanism, { defaultValue: ReferralMechanism.UK_NRM }) mechanism: ReferralMechanism,
    @Ctx() ctx: RequestContext,
  ) {
    const table = await statistics.nrmStatistics(ctx, mechanism, periodFrom, periodTo, by);
    const svg = nrmChartSvg(table.rows, measure, language);
    const description = `${chartTitle(measure, language)}, ${table.periodFrom} – ${table.periodTo}`;
    if (format === ChartFormat.PNG) return { contentType: 'image/png', base64: (await svgToPng(svg)).toString('base64'), description };
    return { contentType: 'image/svg+xml', base64: Buffer.from(svg, 'utf8').toString('base64'), description };
  }
}

@Resolver(() => PersonType)
export class PersonReferralResolver {
  @FieldResolver(() => [ReferralStageType], { description: "The person's referral-mechanism stages you may see, by mechanism and in order" })
  referralStages(@Root() parent: { id: string }, @Ctx() ctx: RequestContext) {
    return referrals.stagesOfPerson(ctx, parent.id);
  }
}
