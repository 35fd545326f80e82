/**
 * PICC-level information and configuration: GetVersion, GetFreeMemory,
 * FormatPICC, GetCardUID, SetConfiguration.
 */
import { readUintLe, uintLe } from '@onecard/keys';
import { DesfireStatus } from '../../protocol/status.js';
import { CONFIG_OPTION_ATS, parseUserAtsPlaintext } from '../../sm/user-ats.js';
import { formattedImage } from '../image/factory.js';
import { DEFAULT_KEY_LENGTH_BYTES } from '../image/factory.js';
import { UID_LENGTH_BYTES } from '../limits.js';
import { atPiccLevel, masterKeyAuthenticated } from './access.js';
import { fail, ok, persistOutcome, planOk, type CommandHandler } from './types.js';

/** GetVersion (MF3DHx2; proxmark3 `hf mfdes info` of EV2 cards): vendor NXP, type DESFire, EV2 versions. */
export const VERSION_VENDOR_NXP = 0x04;
export const VERSION_TYPE_DESFIRE = 0x01;
export const VERSION_SUBTYPE = 0x01;
export const HW_VERSION_MAJOR_EV2 = 0x12;
export const HW_VERSION_MINOR_EV2 = 0x00;
export const SW_VERSION_MAJOR_EV2 = 0x02;
export const SW_VERSION_MINOR_EV2 = 0x01;
/** HW: ISO/IEC 14443-2 and -3; SW: ISO/IEC 14443-3 and -4. */
export const VERSION_PROTOCOL_14443 = 0x05;
/** Frames 1 and 2 of GetVersion are 7 bytes each; frame 3 carries the rest. */
export const GET_VERSION_FRAME_SIZES_BYTES: readonly number[] = [7, 7];
/** GetFreeMemory answers a 3-byte little-endian count. */
export const FREE_MEMORY_LENGTH_BYTES = 3;

export const getVersion: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 0) return fail(DesfireStatus.LENGTH_ERROR);
    const { image } = ctx;
    // Random ID on: the UID field is seven zero bytes (liblogicalaccess DESFireEV1 reader unit: "GetVersion will return a full-zero UID").
    const uid = image.configuration.randomUidEnabled ? new Uint8Array(UID_LENGTH_BYTES) : image.uid;
    const out = Uint8Array.of(
      VERSION_VENDOR_NXP, VERSION_TYPE_DESFIRE, VERSION_SUBTYPE, HW_VERSION_MAJOR_EV2, HW_VERSION_MINOR_EV2, image.storageSizeByte, VERSION_PROTOCOL_14443,
      VERSION_VENDOR_NXP, VERSION_TYPE_DESFIRE, VERSION_SUBTYPE, SW_VERSION_MAJOR_EV2, SW_VERSION_MINOR_EV2, image.storageSizeByte, VERSION_PROTOCOL_14443,
      ...uid, ...image.batchNo, image.productionWeekBcd, image.productionYearBcd,
    );
    return { ...ok(out), leadingFrameSizesBytes: GET_VERSION_FRAME_SIZES_BYTES };
  },
};

export const getFreeMemory: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 0) return fail(DesfireStatus.LENGTH_ERROR);
    return ok(uintLe(ctx.image.eepromFreeBytes, FREE_MEMORY_LENGTH_BYTES));
  },
};

/** FormatPICC always needs the PICC master key (EV1 remark 3); SetConfiguration can disable it. */
export const formatPICC: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 0) return fail(DesfireStatus.LENGTH_ERROR);
    if (!atPiccLevel(ctx)) return fail(DesfireStatus.PERMISSION_DENIED);
    if (!masterKeyAuthenticated(ctx)) return fail(DesfireStatus.AUTHENTICATION_ERROR);
    if (ctx.image.configuration.formatDisabled) return fail(DesfireStatus.PERMISSION_DENIED);
    ctx.session.dropTransaction();
    return persistOutcome(ctx, formattedImage(ctx.image));
  },
};

/**
 * GetCardUID: after an authentication with any key of any level, answered in
 * full mode. The way to the real UID when the random ID is on (proxmark3
 * doc/desfire.md "How to get card UID"). That includes a D40 (legacy 0A)
 * session: libfreefare's mifare_desfire_get_card_uid, written against real
 * EV1 cards, authenticates with 0A and expects UID ‖ CRC16 enciphered in the
 * D40 way, and its ev1-configure-random-uid tool does exactly that
 * (conformance-tests/src/interop/libfreefare-ev1-suite.ts).
 */
export const getCardUID: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 0) return fail(DesfireStatus.LENGTH_ERROR);
    const auth = ctx.session.auth;
    if (auth === null) return fail(DesfireStatus.AUTHENTICATION_ERROR);
    return ok(ctx.image.uid.slice());
  },
};

/** SetConfiguration options (EV1 remarks; MF3DHx2); option 02 (user ATS) is CONFIG_OPTION_ATS in sm/user-ats.ts. */
export const CONFIG_OPTION_PICC = 0x00;
export const CONFIG_OPTION_DEFAULT_KEY = 0x01;
const CONFIG_BIT_FORMAT_DISABLED = 0x01;
const CONFIG_BIT_RANDOM_UID = 0x02;
const CONFIG_BITS_KNOWN = CONFIG_BIT_FORMAT_DISABLED | CONFIG_BIT_RANDOM_UID;
const CONFIG_PICC_LENGTH_BYTES = 1 + 1;
const CONFIG_DEFAULT_KEY_LENGTH_BYTES = 1 + DEFAULT_KEY_LENGTH_BYTES + 1;

/**
 * SetConfiguration (0x5C), option byte in the CmdHeader, data enciphered.
 * Option 02 sets the ATS the card answers RATS with from the next
 * activation on (the vpcd bridge shows it in the ATR's historical bytes,
 * card.ts). Its data is framed by the ATS's own TL byte and ISO/IEC 9797-1
 * method 2 padding, not by the CRC search of other full-mode commands, so
 * the processor hands this handler the deciphered bytes
 * ('preformatted-full') and sm/user-ats.ts checks TL, CRC and padding.
 */
export const setConfiguration: CommandHandler = {
  plan(_ctx, header) {
    return planOk(header[0] === CONFIG_OPTION_ATS ? { unwrap: 'preformatted-full' } : {});
  },
  run(ctx, data) {
    const option = data[0];
    if (option === undefined) return fail(DesfireStatus.LENGTH_ERROR);
    if (!atPiccLevel(ctx)) return fail(DesfireStatus.PERMISSION_DENIED);
    if (!masterKeyAuthenticated(ctx)) return fail(DesfireStatus.AUTHENTICATION_ERROR);
    const { configuration } = ctx.image;
    switch (option) {
      case CONFIG_OPTION_PICC: {
        if (data.length !== CONFIG_PICC_LENGTH_BYTES) return fail(DesfireStatus.LENGTH_ERROR);
        const bits = readUintLe(data, 1, 1);
        if ((bits & ~CONFIG_BITS_KNOWN) !== 0) return fail(DesfireStatus.PARAMETER_ERROR);
        // Both bits are one-way: once set they stay set.
        const next = {
          ...configuration,
          formatDisabled: configuration.formatDisabled || (bits & CONFIG_BIT_FORMAT_DISABLED) !== 0,
          randomUidEnabled: configuration.randomUidEnabled || (bits & CONFIG_BIT_RANDOM_UID) !== 0,
        };
        return persistOutcome(ctx, { ...ctx.image, configuration: next });
      }
      case CONFIG_OPTION_DEFAULT_KEY: {
        if (data.length !== CONFIG_DEFAULT_KEY_LENGTH_BYTES) return fail(DesfireStatus.LENGTH_ERROR);
        const material = data.slice(1, 1 + DEFAULT_KEY_LENGTH_BYTES);
        const version = data[1 + DEFAULT_KEY_LENGTH_BYTES] ?? 0;
        return persistOutcome(ctx, { ...ctx.image, configuration: { ...configuration, defaultKey: { material, version } } });
      }
      case CONFIG_OPTION_ATS: {
        const scheme = ctx.session.auth?.scheme;
        if (scheme === undefined) return fail(DesfireStatus.AUTHENTICATION_ERROR);
        const parsed = parseUserAtsPlaintext({ scheme, plaintext: data.subarray(1) });
        if (!parsed.ok) return fail(parsed.status);
        return persistOutcome(ctx, { ...ctx.image, configuration: { ...configuration, userAts: parsed.ats } });
      }
      default:
        // EV2 options (04 capabilities, 05 secure messaging, …) are not emulated.
        return fail(DesfireStatus.PARAMETER_ERROR);
    }
  },
};
