-- Posting rewrites a card's state and its purse totals on every tap. Leave room on their pages so that
-- PostgreSQL keeps each new row version on the same page and touches no index (a HOT update).
ALTER TABLE "card_states" SET (fillfactor = 70);
--> statement-breakpoint
ALTER TABLE "ledger_accounts" SET (fillfactor = 70);
--> statement-breakpoint
-- The account guard ran in PL/pgSQL for every account the transfer trigger updated, only to let it pass.
-- Only updates made outside that trigger need judging: a WHEN clause, evaluated by the executor without
-- calling PL/pgSQL, now skips the others. Inserts and deletes are judged as before.
DROP TRIGGER "ledger_accounts_guard" ON "ledger_accounts";
--> statement-breakpoint
CREATE TRIGGER ledger_accounts_guard BEFORE INSERT OR DELETE ON ledger_accounts FOR EACH ROW EXECUTE FUNCTION ledger_accounts_guard();
--> statement-breakpoint
CREATE TRIGGER ledger_accounts_guard_update BEFORE UPDATE ON ledger_accounts FOR EACH ROW
  WHEN (coalesce(current_setting('onecard.ledger_apply', true), 'off') <> 'on')
  EXECUTE FUNCTION ledger_accounts_guard();
