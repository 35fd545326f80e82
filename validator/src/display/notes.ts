/** The text of each tap note, in Vietnamese and English (an exhaustive switch: a new note needs both). */
import type { TapNote } from '../tap/outcome.js';
import type { DisplayLanguage } from './messages.js';

function vi(note: TapNote): string {
  switch (note.code) {
    case 'direction':
      return note.direction === 'in' ? 'Vào' : 'Ra';
    case 'autoload':
      return 'Đã nạp tiền tự động';
    case 'autoload-waits-purse-limit':
      return 'Nạp tiền tự động chờ: vượt hạn mức ví';
    case 'autoload-unavailable':
      return 'Thiết bị không nạp tiền tự động';
    case 'recovered':
      return 'Khôi phục lượt trước';
    case 'already-validated':
      return 'Đã quẹt thẻ';
    case 'visit-recorded':
      return 'Đã ghi lượt khám';
    case 'insurance-until':
      return `BHYT có hạn đến ${note.date}`;
    case 'receipt':
      return `Hóa đơn số ${note.transactionNo}`;
    case 'loan':
      return `Mượn sách ${note.itemId}, hạn trả ${note.dueOn}`;
    case 'return':
      return `Trả sách ${note.itemId}`;
  }
}

function en(note: TapNote): string {
  switch (note.code) {
    case 'direction':
      return note.direction === 'in' ? 'In' : 'Out';
    case 'autoload':
      return 'Autoload applied';
    case 'autoload-waits-purse-limit':
      return 'Autoload waits: purse limit';
    case 'autoload-unavailable':
      return 'This device does not autoload';
    case 'recovered':
      return 'Previous tap recovered';
    case 'already-validated':
      return 'Already validated';
    case 'visit-recorded':
      return 'Visit recorded';
    case 'insurance-until':
      return `Insurance valid until ${note.date}`;
    case 'receipt':
      return `Receipt no. ${note.transactionNo}`;
    case 'loan':
      return `Loan ${note.itemId}, due ${note.dueOn}`;
    case 'return':
      return `Returned ${note.itemId}`;
  }
}

export function noteText(note: TapNote, language: DisplayLanguage): string {
  switch (language) {
    case 'vi':
      return vi(note);
    case 'en':
      return en(note);
  }
}
