package creditview_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/creditview"
)

var t0 = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)

// registry fills a SQLite read model with regs registrations spread over
// assets assets, one a minute from t0, each amended once an hour after it was
// filed, and returns the database and the asset ids.
func registry(tb testing.TB, regs, assets int) (*readmodel.DB, []uuid.UUID) {
	tb.Helper()
	db, err := readmodel.OpenSQLite(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	ctx := context.Background()
	p := creditview.Projections()[0] // the notices
	for _, s := range p.Schema(db.Dialect) {
		if _, err := db.ExecContext(ctx, s); err != nil {
			tb.Fatal(err)
		}
	}
	ids := make([]uuid.UUID, assets)
	for i := range ids {
		ids[i] = uuid.New()
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	apply := func(tx *sql.Tx, version uint64, e kernel.Event) {
		if err := p.Apply(ctx, tx, readmodel.Envelope{Event: e, Version: version}); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range regs {
		id, at := uuid.New(), t0.Add(time.Duration(i)*time.Minute)
		apply(tx, 1, collateral.CollateralRegistered{RegistrationID: id, Number: id.String()[:12], Grantor: uuid.New(),
			SecuredParty: uuid.New(), Collateral: collateral.Collateral{Kind: collateral.KindMortgage, Asset: ids[i%assets]},
			SecuredAmount: kernel.Yuan(100_000), Start: at, End: at.AddDate(3, 0, 0), At: at})
		apply(tx, 2, collateral.CollateralAmended{RegistrationID: id, SecuredAmount: kernel.Yuan(120_000), End: at.AddDate(3, 0, 0),
			Reason: "more", At: at.Add(time.Hour)})
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return db, ids
}

func TestSearchSeesEachNoticeAsItStood(t *testing.T) {
	db, assets := registry(t, 30, 3)
	target := collateral.AssetTarget(assets[0])
	search := func(at time.Time) []creditview.Notice {
		got, err := creditview.SearchNotices(context.Background(), db, creditview.NoticeSearch{Target: &target, At: at})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// At t0 + 30 min: the first registration of asset 0 (t0) is filed but not
	// yet amended; the next (t0 + 3 min … 27 min) likewise; none was filed after.
	got := search(t0.Add(30 * time.Minute))
	if len(got) != 10 {
		t.Fatalf("%d notices against the asset at t0+30m, want 10", len(got))
	}
	for i, n := range got {
		if n.SecuredAmount != kernel.Yuan(100_000) || n.Change != creditview.ChangeRegistered {
			t.Fatalf("notice %d as of t0+30m reads %s (%s)", i, n.SecuredAmount, n.Change)
		}
		if i > 0 && collateral.Priority(got[i-1].State(), n.State()) >= 0 {
			t.Fatalf("notices %d and %d are out of priority order", i-1, i)
		}
	}
	if got := search(t0.Add(2 * time.Hour)); got[0].SecuredAmount != kernel.Yuan(120_000) || got[0].Change != creditview.ChangeAmended {
		t.Fatalf("after the amendments the first notice reads %s (%s)", got[0].SecuredAmount, got[0].Change)
	}
	if got := search(t0.Add(-time.Second)); len(got) != 0 {
		t.Fatalf("%d notices before any was filed", len(got))
	}
}

// BenchmarkSearchNotices is the point-in-time search over 20,000 registrations
// (40,000 versions) on 2,000 assets: one range lookup on the target index.
func BenchmarkSearchNotices(b *testing.B) {
	db, assets := registry(b, 20_000, 2_000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		target := collateral.AssetTarget(assets[i%len(assets)])
		got, err := creditview.SearchNotices(ctx, db, creditview.NoticeSearch{Target: &target, At: t0.AddDate(0, 0, 20)})
		if err != nil || len(got) != 10 {
			b.Fatalf("%d notices, %v", len(got), err)
		}
	}
}
