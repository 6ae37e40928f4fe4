package coopview_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/coopview"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
)

var backends = []struct {
	name string
	open func(*testing.T) *readmodel.DB
}{{"sqlite", func(t *testing.T) *readmodel.DB { return rmtest.SQLite(t) }}, {"postgres", func(t *testing.T) *readmodel.DB { return rmtest.Postgres(t) }}}

// story runs commands against a real coop handler on an in-memory store.
type story struct {
	t     *testing.T
	clock *kernel.ManualClock
	app   *app.App
	id    uuid.UUID
}

func (s *story) do(cmd coop.Command) {
	s.t.Helper()
	if _, err := s.app.Coops.Handle(context.Background(), cmd, app.Meta{CommandID: uuid.New(), Actor: "test"}); err != nil {
		s.t.Fatalf("%T: %v", cmd, err)
	}
}

func (s *story) state() coop.State {
	var st coop.State
	if err := s.app.Coops.Inspect(context.Background(), s.id, func(v coop.State, _ uint64) { st = v }); err != nil {
		s.t.Fatal(err)
	}
	return st
}

// runStory drives a cooperative through every event type: allocation,
// transfer, redemption, pledges (one pledged again under its id after its
// release), a death with an outside heir who inherits a
// pledge and is admitted later, an unclaimed estate that reverts, dividends.
func runStory(t *testing.T) *story {
	clock := kernel.NewManualClock(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC))
	s := &story{t: t, clock: clock, id: uuid.New(),
		app: app.New(memstore.New(clock), clock, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{})}
	collective, bank, bank2, outsider := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	m := []uuid.UUID{uuid.New(), uuid.New(), uuid.New(), uuid.New()}
	settings := coop.DefaultSettings()
	settings.HoldingCapBP = 5000
	s.do(coop.FoundCooperative{CoopID: s.id, Collective: collective, Name: "东村股份经济合作社", Settings: settings})
	for _, id := range m {
		s.do(coop.AdmitMember{CoopID: s.id, Member: id, Household: uuid.New()})
	}
	s.do(coop.AllocateShares{CoopID: s.id, Allocations: []coop.Allocation{
		{Member: m[0], Class: coop.ClassPopulation, Shares: 100}, {Member: m[0], Class: coop.ClassLabourAge, Shares: 50},
		{Member: m[1], Class: coop.ClassPopulation, Shares: 100}, {Member: m[1], Class: coop.ClassLand, Shares: 30},
		{Member: m[2], Class: coop.ClassPopulation, Shares: 100}, {Member: m[3], Class: coop.ClassPopulation, Shares: 80},
	}})
	s.do(coop.TransferShares{CoopID: s.id, From: m[0], To: m[2], Class: coop.ClassLabourAge, Shares: 10, Price: kernel.Yuan(500)})
	s.do(coop.RedeemShares{CoopID: s.id, Holder: m[1], Class: coop.ClassLand, Shares: 5, Price: kernel.Yuan(200)})
	maturity := clock.Now().AddDate(0, 6, 0)
	p1, p2 := uuid.New(), uuid.New()
	s.do(coop.PledgeShares{CoopID: s.id, PledgeID: p1, Holder: m[0], Pledgee: bank, Shares: 20, RegistrationNumber: "DJ-1", LoanMaturity: maturity})
	s.do(coop.PledgeShares{CoopID: s.id, PledgeID: p2, Holder: m[1], Pledgee: bank2, Shares: 10, RegistrationNumber: "DJ-2", LoanMaturity: maturity})
	s.do(coop.DeclareDividend{CoopID: s.id, DividendID: uuid.New(), Amount: 100001})
	clock.Advance(24 * time.Hour)
	s.do(coop.RecordDeath{CoopID: s.id, Holder: m[0], DiedOn: clock.Now().Add(-time.Hour)})
	s.do(coop.InheritShares{CoopID: s.id, Deceased: m[0], Heir: outsider, HeirHousehold: uuid.New()})
	s.do(coop.ReleasePledge{CoopID: s.id, PledgeID: p2, By: bank2})
	s.do(coop.PledgeShares{CoopID: s.id, PledgeID: p2, Holder: m[1], Pledgee: bank2, Shares: 5, RegistrationNumber: "DJ-2", LoanMaturity: maturity}) // the same id again
	// p3 is enforced after its loan defaulted: 100 population and 10 land shares go to m[2].
	p3 := uuid.New()
	s.do(coop.PledgeShares{CoopID: s.id, PledgeID: p3, Holder: m[1], Pledgee: bank, Shares: 110, RegistrationNumber: "DJ-3", LoanMaturity: maturity})
	s.do(coop.EnforcePledge{CoopID: s.id, PledgeID: p3, By: bank, Buyer: m[2], Price: kernel.Yuan(6000), LoanDefaulted: true})
	s.do(coop.RecordDeath{CoopID: s.id, Holder: m[3], DiedOn: clock.Now()})
	clock.Advance(400 * 24 * time.Hour)
	s.do(coop.RevertUnclaimedShares{CoopID: s.id, Deceased: m[3]})
	s.do(coop.AdmitMember{CoopID: s.id, Member: outsider, Household: uuid.New()})
	d2 := uuid.New()
	s.do(coop.DeclareDividend{CoopID: s.id, DividendID: d2, Amount: 777})
	s.do(coop.PayDividend{CoopID: s.id, DividendID: d2})
	return s
}

// all reads every page of a list, three rows at a time, so paging is exercised.
func all[T interface{ Cursor() readmodel.Cursor }](t *testing.T, read func(readmodel.Page) (readmodel.Result[T], error)) []T {
	t.Helper()
	var out []T
	page := readmodel.Page{First: 3}
	for {
		res, err := read(page)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res.Rows...)
		if !res.HasNext {
			if res.Total != len(out) {
				t.Fatalf("total %d, read %d rows", res.Total, len(out))
			}
			return out
		}
		page.After = res.Rows[len(res.Rows)-1].Cursor()
	}
}

type payout struct{ coop.Payout }

func (p payout) Cursor() readmodel.Cursor { return coopview.PayoutCursor(p.Payout) }

// checkMatchesAggregate compares every table with the aggregate's own state.
func checkMatchesAggregate(t *testing.T, db *readmodel.DB, st coop.State) {
	t.Helper()
	ctx := context.Background()
	c, ok, err := coopview.Get(ctx, db, st.ID)
	if err != nil || !ok {
		t.Fatalf("cooperative: ok %v, err %v", ok, err)
	}
	totals, members := coop.ClassShares{}, 0
	for _, h := range st.Holders {
		for class, n := range h.Shares {
			totals[class] += n
		}
		if st.IsMember(h.ID) {
			members++
		}
	}
	if c.Name != st.Name || c.Collective != st.Collective || c.Settings != st.Settings || !maps.Equal(c.Shares, totals) || c.Members != members {
		t.Errorf("cooperative %+v, aggregate totals %v, %d members", c, totals, members)
	}

	holders := all(t, func(p readmodel.Page) (readmodel.Result[coopview.Holder], error) {
		return coopview.Holders(ctx, db, st.ID, coopview.HolderFilter{}, p)
	})
	if len(holders) != len(st.Holders) {
		t.Fatalf("%d register lines, aggregate has %d", len(holders), len(st.Holders))
	}
	for _, h := range holders {
		want := st.Holders[h.ID]
		if h.Kind != want.Kind || h.Household != want.Household || !maps.Equal(h.Shares, want.Shares) ||
			!maps.Equal(h.Quantified, want.Quantified) || h.Pledged != want.Pledged || h.Deceased != want.Deceased ||
			!h.ClaimDeadline.Equal(want.ClaimDeadline) {
			t.Errorf("register line %+v, aggregate %+v", h.Holder, want)
		}
	}

	pledges := all(t, func(p readmodel.Page) (readmodel.Result[coopview.Pledge], error) {
		return coopview.Pledges(ctx, db, st.ID, coopview.PledgeFilter{Status: coopview.PledgeActive}, p)
	})
	if len(pledges) != len(st.Pledges) {
		t.Fatalf("%d active pledges, aggregate has %d", len(pledges), len(st.Pledges))
	}
	for _, p := range pledges {
		want := st.Pledges[p.ID]
		if p.Holder != want.Holder || p.Pledgee != want.Pledgee || p.Shares != want.Shares ||
			p.RegistrationNumber != want.RegistrationNumber || !p.RegisteredUntil.Equal(want.RegisteredUntil) ||
			!p.LoanMaturity.Equal(want.LoanMaturity) {
			t.Errorf("pledge %+v, aggregate %+v", p.Pledge, want)
		}
	}

	dividends := all(t, func(p readmodel.Page) (readmodel.Result[coopview.Dividend], error) {
		return coopview.Dividends(ctx, db, st.ID, p)
	})
	if len(dividends) != len(st.Dividends) {
		t.Fatalf("%d dividends, aggregate has %d", len(dividends), len(st.Dividends))
	}
	for _, d := range dividends {
		want := st.Dividends[d.ID]
		if d.Amount != want.Amount || d.TotalShares != want.TotalShares || d.PaidAt.IsZero() == want.Paid ||
			!d.DeclaredAt.Equal(want.DeclaredAt) || d.PayoutCount != len(want.Payouts) {
			t.Errorf("dividend %+v, aggregate %+v", d, want)
		}
		got := all(t, func(p readmodel.Page) (readmodel.Result[payout], error) {
			res, err := coopview.Payouts(ctx, db, st.ID, d.ID, coopview.PayoutFilter{}, p)
			out := readmodel.Result[payout]{HasNext: res.HasNext, Total: res.Total}
			for _, r := range res.Rows {
				out.Rows = append(out.Rows, payout{r})
			}
			return out, err
		})
		for i, p := range got {
			if p.Payout != want.Payouts[i] {
				t.Errorf("payout %d = %+v, aggregate %+v", i, p.Payout, want.Payouts[i])
			}
		}
	}

	// The history, folded from nothing, gives every holding.
	folded := map[uuid.UUID]coop.ClassShares{}
	add := func(id uuid.UUID, class coop.ShareClass, n int64) {
		if folded[id] == nil {
			folded[id] = coop.ClassShares{}
		}
		if folded[id][class] += n; folded[id][class] == 0 {
			delete(folded[id], class)
		}
	}
	for _, m := range all(t, func(p readmodel.Page) (readmodel.Result[coopview.Movement], error) {
		return coopview.Movements(ctx, db, st.ID, coopview.MovementFilter{}, p)
	}) {
		if m.Kind != coopview.MovementAllocation {
			add(m.From, m.Class, -m.Shares)
		}
		add(m.To, m.Class, m.Shares)
	}
	for id, h := range st.Holders {
		if !maps.Equal(folded[id], h.Shares) {
			t.Errorf("history folds %s to %v, aggregate holds %v", id, folded[id], h.Shares)
		}
	}
}

func TestRegisterMatchesTheAggregate(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := runStory(t)
			db := b.open(t)
			p, err := readmodel.NewProjector(ctx, db, s.app.Events, coopview.Projections()...)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := s.app.Store.ReadAll(ctx, 0, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			for _, rec := range recs { // one event per batch, as a live projector often sees them
				if err := p.Apply(ctx, rec); err != nil {
					t.Fatal(err)
				}
			}
			checkMatchesAggregate(t, db, s.state())
			if _, err := p.Replay(ctx, s.app.Store, 5); err != nil {
				t.Fatal(err)
			}
			checkMatchesAggregate(t, db, s.state())
		})
	}
}

func TestFiltersNarrowToAPledgeesHolders(t *testing.T) {
	ctx := context.Background()
	s := runStory(t)
	db := rmtest.SQLite(t)
	p, err := readmodel.NewProjector(ctx, db, s.app.Events, coopview.Projections()...)
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := s.app.Store.ReadAll(ctx, 0, 1<<20)
	if err := p.Apply(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	st := s.state()
	for _, pl := range st.Pledges {
		page := readmodel.Page{First: 100}
		holders, err := coopview.Holders(ctx, db, st.ID, coopview.HolderFilter{PledgedTo: pl.Pledgee}, page)
		if err != nil || len(holders.Rows) != 1 || holders.Rows[0].ID != pl.Holder {
			t.Fatalf("the pledgee sees %+v (err %v), want only %s", holders.Rows, err, pl.Holder)
		}
		moves, err := coopview.Movements(ctx, db, st.ID, coopview.MovementFilter{PledgedTo: pl.Pledgee}, page)
		if err != nil || moves.Total == 0 {
			t.Fatalf("the pledgee sees no movements (err %v)", err)
		}
		for _, m := range moves.Rows {
			if m.From != pl.Holder && m.To != pl.Holder {
				t.Errorf("the pledgee sees a movement of others: %+v", m)
			}
		}
	}
	stranger, err := coopview.Holders(ctx, db, st.ID, coopview.HolderFilter{PledgedTo: uuid.New()}, readmodel.Page{First: 10})
	if err != nil || stranger.Total != 0 {
		t.Fatalf("a bank without pledges sees %d lines (err %v)", stranger.Total, err)
	}
}

// BenchmarkRegisterReads pages through a 2,000-member register (100 lines
// after the 1,000th, with the count) and a dividend's payouts, on SQLite.
func BenchmarkRegisterReads(b *testing.B) {
	ctx := context.Background()
	clock := kernel.NewManualClock(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC))
	a := app.New(memstore.New(clock), clock, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{})
	id := uuid.New()
	do := func(cmd coop.Command) {
		if _, err := a.Coops.Handle(ctx, cmd, app.Meta{CommandID: uuid.New(), Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	do(coop.FoundCooperative{CoopID: id, Collective: uuid.New(), Name: "bench", Settings: coop.DefaultSettings()})
	var allocs []coop.Allocation
	for i := range 2000 {
		m := uuid.New()
		do(coop.AdmitMember{CoopID: id, Member: m, Household: uuid.New()})
		allocs = append(allocs, coop.Allocation{Member: m, Class: coop.ClassPopulation, Shares: int64(1 + i%7)})
	}
	do(coop.AllocateShares{CoopID: id, Allocations: allocs})
	dividend := uuid.New()
	do(coop.DeclareDividend{CoopID: id, DividendID: dividend, Amount: kernel.Yuan(123_456)})
	db, err := readmodel.OpenSQLite(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	p, err := readmodel.NewProjector(ctx, db, a.Events, coopview.Projections()...)
	if err != nil {
		b.Fatal(err)
	}
	recs, _ := a.Store.ReadAll(ctx, 0, 1<<20)
	if err := p.Apply(ctx, recs...); err != nil {
		b.Fatal(err)
	}
	mid, err := coopview.Holders(ctx, db, id, coopview.HolderFilter{}, readmodel.Page{First: 1000})
	if err != nil {
		b.Fatal(err)
	}
	last := mid.Rows[len(mid.Rows)-1]
	b.Run("holders", func(b *testing.B) {
		for b.Loop() {
			res, err := coopview.Holders(ctx, db, id, coopview.HolderFilter{}, readmodel.Page{First: 100, After: last.Cursor()})
			if err != nil || len(res.Rows) != 100 {
				b.Fatal(len(res.Rows), err)
			}
		}
	})
	b.Run("payouts", func(b *testing.B) {
		for b.Loop() {
			res, err := coopview.Payouts(ctx, db, id, dividend, coopview.PayoutFilter{}, readmodel.Page{First: 100, After: readmodel.CursorOf(last.ID)})
			if err != nil || len(res.Rows) == 0 {
				b.Fatal(err)
			}
		}
	})
}
