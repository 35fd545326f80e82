-- Ledger invariants enforced by the database (see src/db/schema/ledger.ts).
-- 1. Transfers are immutable: no UPDATE, DELETE or TRUNCATE.
CREATE FUNCTION ledger_transfers_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_transfers are immutable' USING ERRCODE = 'check_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE OR DELETE ON ledger_transfers FOR EACH ROW EXECUTE FUNCTION ledger_transfers_immutable();
--> statement-breakpoint
CREATE TRIGGER ledger_transfers_no_truncate BEFORE TRUNCATE ON ledger_transfers FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfers_immutable();
--> statement-breakpoint
-- 2. Every INSERT of transfers is folded into the account totals in one UPDATE, so the
--    CHECK constraints on ledger_accounts (non-negative totals, floors) judge the result.
--    A resolution (post_pending / void_pending) must name a pending transfer with the same
--    accounts and amount; the unique pending_id allows one resolution. Every account a
--    transfer names must exist (the foreign key, checked once per statement).
CREATE FUNCTION ledger_apply_transfers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  expected_count bigint;
  updated_count bigint;
BEGIN
  IF EXISTS (
    SELECT 1 FROM new_rows n
    LEFT JOIN ledger_transfers p ON p.id = n.pending_id
    WHERE n.pending_id IS NOT NULL
      AND (p.id IS NULL OR p.phase <> 'pending' OR p.debit_account_id <> n.debit_account_id
           OR p.credit_account_id <> n.credit_account_id OR p.amount_vnd <> n.amount_vnd)
  ) THEN
    RAISE EXCEPTION 'ledger: a resolution must name a pending transfer with the same accounts and amount' USING ERRCODE = 'check_violation';
  END IF;
  SELECT count(DISTINCT account_id) INTO expected_count FROM (SELECT debit_account_id AS account_id FROM new_rows UNION ALL SELECT credit_account_id FROM new_rows) ids;
  PERFORM set_config('onecard.ledger_apply', 'on', true);
  UPDATE ledger_accounts a SET
    debits_pending_vnd = a.debits_pending_vnd + d.debits_pending,
    debits_posted_vnd = a.debits_posted_vnd + d.debits_posted,
    credits_pending_vnd = a.credits_pending_vnd + d.credits_pending,
    credits_posted_vnd = a.credits_posted_vnd + d.credits_posted
  FROM (
    SELECT x.account_id,
      sum(x.debits_pending)::bigint AS debits_pending, sum(x.debits_posted)::bigint AS debits_posted,
      sum(x.credits_pending)::bigint AS credits_pending, sum(x.credits_posted)::bigint AS credits_posted
    FROM (
      SELECT n.debit_account_id AS account_id,
        CASE n.phase WHEN 'pending' THEN n.amount_vnd WHEN 'posted' THEN 0 ELSE -n.amount_vnd END AS debits_pending,
        CASE n.phase WHEN 'posted' THEN n.amount_vnd WHEN 'post_pending' THEN n.amount_vnd ELSE 0 END AS debits_posted,
        0::bigint AS credits_pending, 0::bigint AS credits_posted
      FROM new_rows n
      UNION ALL
      SELECT n.credit_account_id, 0::bigint, 0::bigint,
        CASE n.phase WHEN 'pending' THEN n.amount_vnd WHEN 'posted' THEN 0 ELSE -n.amount_vnd END,
        CASE n.phase WHEN 'posted' THEN n.amount_vnd WHEN 'post_pending' THEN n.amount_vnd ELSE 0 END
      FROM new_rows n
    ) x
    GROUP BY x.account_id
  ) d
  WHERE a.id = d.account_id;
  GET DIAGNOSTICS updated_count = ROW_COUNT;
  IF updated_count <> expected_count THEN
    RAISE EXCEPTION 'ledger: a transfer names an account that does not exist' USING ERRCODE = 'foreign_key_violation';
  END IF;
  PERFORM set_config('onecard.ledger_apply', 'off', true);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER ledger_transfers_apply AFTER INSERT ON ledger_transfers REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_apply_transfers();
--> statement-breakpoint
-- 3. Account totals change only through transfers; accounts start at zero and are never deleted.
CREATE FUNCTION ledger_accounts_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'ledger_accounts are never deleted' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.debits_pending_vnd <> 0 OR NEW.debits_posted_vnd <> 0 OR NEW.credits_pending_vnd <> 0 OR NEW.credits_posted_vnd <> 0 THEN
      RAISE EXCEPTION 'ledger accounts start at zero' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  IF (NEW.debits_pending_vnd, NEW.debits_posted_vnd, NEW.credits_pending_vnd, NEW.credits_posted_vnd, NEW.floor_vnd, NEW.id)
     IS DISTINCT FROM (OLD.debits_pending_vnd, OLD.debits_posted_vnd, OLD.credits_pending_vnd, OLD.credits_posted_vnd, OLD.floor_vnd, OLD.id)
     AND coalesce(current_setting('onecard.ledger_apply', true), 'off') <> 'on' THEN
    RAISE EXCEPTION 'ledger account totals change only through transfers' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER ledger_accounts_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_accounts FOR EACH ROW EXECUTE FUNCTION ledger_accounts_guard();
