import { Chrono } from 'chrono-node';
import ISOFormatParser from '../../node_modules/chrono-node/dist/esm/common/parsers/ISOFormatParser.js';
import SlashDateFormatParser from '../../node_modules/chrono-node/dist/esm/common/parsers/SlashDateFormatParser.js';
import OverlapRemovalRefiner from '../../node_modules/chrono-node/dist/esm/common/refiners/OverlapRemovalRefiner.js';
import { includeCommonConfiguration } from '../../node_modules/chrono-node/dist/esm/configurations.js';
import DECasualDateParser from '../../node_modules/chrono-node/dist/esm/locales/de/parsers/DECasualDateParser.js';
import DECasualTimeParser from '../../node_modules/chrono-node/dist/esm/locales/de/parsers/DECasualTimeParser.js';
import DEMonthNameLittleEndianParser from '../../node_modules/chrono-node/dist/esm/locales/de/parsers/DEMonthNameLittleEndianParser.js';
import DETimeUnitRelativeFormatParser from '../../node_modules/chrono-node/dist/esm/locales/de/parsers/DETimeUnitRelativeFormatParser.js';
import DETimeUnitWithinFormatParser from '../../node_modules/chrono-node/dist/esm/locales/de/parsers/DETimeUnitWithinFormatParser.js';
import DEWeekdayParser from '../../node_modules/chrono-node/dist/esm/locales/de/parsers/DEWeekdayParser.js';
import DEMergeDateRangeRefiner from '../../node_modules/chrono-node/dist/esm/locales/de/refiners/DEMergeDateRangeRefiner.js';
import DEMergeDateTimeRefiner from '../../node_modules/chrono-node/dist/esm/locales/de/refiners/DEMergeDateTimeRefiner.js';
import ESCasualDateParser from '../../node_modules/chrono-node/dist/esm/locales/es/parsers/ESCasualDateParser.js';
import ESMonthNameLittleEndianParser from '../../node_modules/chrono-node/dist/esm/locales/es/parsers/ESMonthNameLittleEndianParser.js';
import ESMonthNameParser from '../../node_modules/chrono-node/dist/esm/locales/es/parsers/ESMonthNameParser.js';
import ESTimeUnitWithinFormatParser from '../../node_modules/chrono-node/dist/esm/locales/es/parsers/ESTimeUnitWithinFormatParser.js';
import ESWeekdayParser from '../../node_modules/chrono-node/dist/esm/locales/es/parsers/ESWeekdayParser.js';
import ESMergeDateRangeRefiner from '../../node_modules/chrono-node/dist/esm/locales/es/refiners/ESMergeDateRangeRefiner.js';
import ESMergeDateTimeRefiner from '../../node_modules/chrono-node/dist/esm/locales/es/refiners/ESMergeDateTimeRefiner.js';
import FRCasualDateParser from '../../node_modules/chrono-node/dist/esm/locales/fr/parsers/FRCasualDateParser.js';
import FRMonthNameLittleEndianParser from '../../node_modules/chrono-node/dist/esm/locales/fr/parsers/FRMonthNameLittleEndianParser.js';
import FRTimeUnitRelativeFormatParser from '../../node_modules/chrono-node/dist/esm/locales/fr/parsers/FRTimeUnitRelativeFormatParser.js';
import FRTimeUnitWithinFormatParser from '../../node_modules/chrono-node/dist/esm/locales/fr/parsers/FRTimeUnitWithinFormatParser.js';
import FRWeekdayParser from '../../node_modules/chrono-node/dist/esm/locales/fr/parsers/FRWeekdayParser.js';
import FRMergeDateRangeRefiner from '../../node_modules/chrono-node/dist/esm/locales/fr/refiners/FRMergeDateRangeRefiner.js';
import FRMergeDateTimeRefiner from '../../node_modules/chrono-node/dist/esm/locales/fr/refiners/FRMergeDateTimeRefiner.js';
import ITCasualDateParser from '../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITCasualDateParser.js';
import ITMonthNameLittleEndianParser from '../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITMonthNameLittleEndianParser.js';
import ITMonthNameMiddleEndianParser from '../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITMonthNameMiddleEndianParser.js';
import ITMonthNameParser from '../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITMonthNameParser.js';
import ITRelativeDateFormatParser from '../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITRelativeDateFormatParser.js';
import ITSlashMonthFormatParser from '../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITSlashMonthFormatParser.js';
import ITTimeUnitCasualRelativeFormatParser from '../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITTimeUnitCasualRelativeFormatParser.js';
import ITTimeUnitLaterFormatParser from '../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITTimeUnitLaterFormatParser.js';
import ITTimeUnitWithinFormatParser from '../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITTimeUnitWithinFormatParser.js';
import ITWeekdayParser from '../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITWeekdayParser.js';
import ITYearMonthDayParser from '../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITYearMonthDayParser.js';
import ITExtractYearSuffixRefiner from '../../node_modules/chrono-node/dist/esm/locales/it/refiners/ITExtractYearSuffixRefiner.js';
import ITMergeDateRangeRefiner from '../../node_modules/chrono-node/dist/esm/locales/it/refiners/ITMergeDateRangeRefiner.js';
import ITMergeDateTimeRefiner from '../../node_modules/chrono-node/dist/esm/locales/it/refiners/ITMergeDateTimeRefiner.js';
import ITMergeRelativeAfterDateRefiner from '../../node_modules/chrono-node/dist/esm/locales/it/refiners/ITMergeRelativeAfterDateRefiner.js';
import ITMergeRelativeFollowByDateRefiner from '../../node_modules/chrono-node/dist/esm/locales/it/refiners/ITMergeRelativeFollowByDateRefiner.js';
import ITUnlikelyFormatFilter from '../../node_modules/chrono-node/dist/esm/locales/it/refiners/ITUnlikelyFormatFilter.js';
import NLCasualDateParser from '../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLCasualDateParser.js';
import NLCasualDateTimeParser from '../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLCasualDateTimeParser.js';
import NLCasualYearMonthDayParser from '../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLCasualYearMonthDayParser.js';
import NLMonthNameMiddleEndianParser from '../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLMonthNameMiddleEndianParser.js';
import NLMonthNameParser from '../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLMonthNameParser.js';
import NLRelativeDateFormatParser from '../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLRelativeDateFormatParser.js';
import NLSlashMonthFormatParser from '../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLSlashMonthFormatParser.js';
import NLTimeUnitCasualRelativeFormatParser from '../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLTimeUnitCasualRelativeFormatParser.js';
import NLTimeUnitLaterFormatParser from '../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLTimeUnitLaterFormatParser.js';
import NLTimeUnitWithinFormatParser from '../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLTimeUnitWithinFormatParser.js';
import NLWeekdayParser from '../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLWeekdayParser.js';
import NLMergeDateRangeRefiner from '../../node_modules/chrono-node/dist/esm/locales/nl/refiners/NLMergeDateRangeRefiner.js';
import NLMergeDateTimeRefiner from '../../node_modules/chrono-node/dist/esm/locales/nl/refiners/NLMergeDateTimeRefiner.js';

/*
 * chrono-node's casual reader of German, French, Spanish, Italian and Dutch, each built as chrono builds it
 * (`de.createCasualConfiguration()` and the others: the same parsers, refiners and order) less the parsers of a time
 * of day ("um 14 Uhr", "ce soir") and of a span ago ("il y a 3 jours"): a reply's dates are days ahead, and the reader
 * drops a time of day anyway. Each costs ReadReply's bundle bytes it never uses (docs/architecture.md §9), and chrono
 * exports its parsers by path only, hence the paths (Node refuses a package.json "imports" entry into node_modules).
 * English stays chrono's own `en.casual`: chrono's `Chrono` builds its default from the English configuration, so
 * those parsers are in every bundle that reads a date.
 * test/unit/functions/core/reply-chrono-locales.test.ts holds each reader to chrono's, less exactly those parsers.
 */

// DECasualTimeParser stays: DECasualDateParser imports it ("morgen früh"), so leaving it out would save nothing.
export const germanCasual = (): Chrono => {
  const option = includeCommonConfiguration({
    parsers: [
      new ISOFormatParser(),
      new SlashDateFormatParser(true),
      new DEMonthNameLittleEndianParser(),
      new DEWeekdayParser(),
      new DETimeUnitWithinFormatParser(),
    ],
    refiners: [new DEMergeDateRangeRefiner(), new DEMergeDateTimeRefiner()],
  });
  option.parsers.unshift(new DECasualTimeParser());
  option.parsers.unshift(new DECasualDateParser());
  option.parsers.unshift(new DETimeUnitRelativeFormatParser());
  return new Chrono(option);
};

export const frenchCasual = (): Chrono => {
  const option = includeCommonConfiguration({
    parsers: [
      new SlashDateFormatParser(true),
      new FRMonthNameLittleEndianParser(),
      new FRTimeUnitWithinFormatParser(),
      new FRWeekdayParser(),
    ],
    refiners: [new FRMergeDateTimeRefiner(), new FRMergeDateRangeRefiner()],
  });
  option.parsers.unshift(new FRCasualDateParser());
  option.parsers.unshift(new FRTimeUnitRelativeFormatParser());
  return new Chrono(option);
};

export const spanishCasual = (): Chrono => {
  const option = includeCommonConfiguration({
    parsers: [
      new SlashDateFormatParser(true),
      new ESWeekdayParser(),
      new ESMonthNameLittleEndianParser(),
      new ESTimeUnitWithinFormatParser(false),
    ],
    refiners: [new ESMergeDateTimeRefiner(), new ESMergeDateRangeRefiner()],
  });
  option.parsers.push(new ESCasualDateParser());
  option.parsers.push(new ESMonthNameParser());
  return new Chrono(option);
};

export const italianCasual = (): Chrono => {
  const option = includeCommonConfiguration(
    {
      parsers: [
        new SlashDateFormatParser(true),
        new ITTimeUnitWithinFormatParser(false),
        new ITMonthNameLittleEndianParser(),
        new ITMonthNameMiddleEndianParser(true),
        new ITWeekdayParser(),
        new ITSlashMonthFormatParser(),
        new ITTimeUnitLaterFormatParser(false),
      ],
      refiners: [new ITMergeDateTimeRefiner()],
    },
    false,
  );
  option.parsers.unshift(new ITYearMonthDayParser(false));
  option.refiners.unshift(new ITMergeRelativeFollowByDateRefiner());
  option.refiners.unshift(new ITMergeRelativeAfterDateRefiner());
  option.refiners.unshift(new OverlapRemovalRefiner());
  option.refiners.push(new ITMergeDateTimeRefiner());
  option.refiners.push(new ITExtractYearSuffixRefiner());
  option.refiners.push(new ITMergeDateRangeRefiner());
  option.parsers.push(new ITCasualDateParser());
  option.parsers.push(new ITMonthNameParser());
  option.parsers.push(new ITRelativeDateFormatParser());
  option.parsers.push(new ITTimeUnitCasualRelativeFormatParser());
  option.refiners.push(new ITUnlikelyFormatFilter());
  return new Chrono(option);
};

export const dutchCasual = (): Chrono => {
  const option = includeCommonConfiguration({
    parsers: [
      new SlashDateFormatParser(true),
      new NLTimeUnitWithinFormatParser(),
      new NLMonthNameMiddleEndianParser(),
      new NLMonthNameParser(),
      new NLWeekdayParser(),
      new NLCasualYearMonthDayParser(),
      new NLSlashMonthFormatParser(),
      new NLTimeUnitLaterFormatParser(false),
    ],
    refiners: [new NLMergeDateTimeRefiner(), new NLMergeDateRangeRefiner()],
  });
  option.parsers.unshift(new NLCasualDateParser());
  option.parsers.unshift(new NLCasualDateTimeParser());
  option.parsers.unshift(new NLMonthNameParser());
  option.parsers.unshift(new NLRelativeDateFormatParser());
  option.parsers.unshift(new NLTimeUnitCasualRelativeFormatParser());
  return new Chrono(option);
};
