package demandview

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/demand"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
)

// history posts demands and saves searches (one id used twice, one search
// closed), then creates, revises and approves listings that match some of
// them, one approved twice, and approves a listing never created.
func history() []readmodel.Envelope {
	t0 := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	owner, other := uuid.New(), uuid.New()
	near, far, closed, dup := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	shouguang := demand.Criteria{Region: demand.Region{County: "寿光市"}}
	orchard := func(county string, price kernel.Money) listing.Details {
		return listing.Details{Title: county + "果园", Asset: listing.AssetFacts{Type: kernel.AssetLandManagementRight, Area: 3000,
			Region: listing.Region{Province: "山东省", County: county}}, ListedPrice: price, TermMonths: 60}
	}
	a, b, c := uuid.New(), uuid.New(), uuid.New()
	evs := []kernel.Event{
		demand.SearchSaved{DemandID: near, Owner: owner, Title: "寿光", Criteria: shouguang, At: t0},
		demand.SearchSaved{DemandID: far, Owner: other, Title: "青州", Criteria: demand.Criteria{Region: demand.Region{County: "青州市"}}, At: t0},
		demand.SearchSaved{DemandID: closed, Owner: other, Title: "closed", Criteria: shouguang, At: t0},
		demand.DemandClosed{DemandID: closed, At: t0.Add(time.Hour)},
		demand.DemandPosted{DemandID: dup, Owner: owner, Title: "想租地", Note: "50亩以上", Criteria: demand.Criteria{MinArea: 5000}, At: t0},
		demand.SearchSaved{DemandID: dup, Owner: other, Title: "ignored: the id is taken", Criteria: shouguang, At: t0},
		demand.DemandClosed{DemandID: uuid.New(), At: t0},
		listing.ListingCreated{ListingID: a, Details: orchard("寿光市", kernel.Yuan(100_000)), At: t0},
		listing.ListingCreated{ListingID: b, Details: orchard("寿光市", kernel.Yuan(200_000)), At: t0},
		listing.ListingRevised{ListingID: b, Details: orchard("青州市", kernel.Yuan(150_000)), At: t0.Add(time.Minute)},
		listing.ListingCreated{ListingID: c, Details: orchard("临朐县", kernel.Yuan(1)), At: t0},
		listing.ListingApproved{ListingID: a, At: t0.Add(2 * time.Hour)},
		listing.ListingApproved{ListingID: b, At: t0.Add(2 * time.Hour)},
		listing.ListingApproved{ListingID: a, At: t0.Add(3 * time.Hour)}, // already alerted: kept as first recorded
		listing.ListingApproved{ListingID: c, At: t0.Add(2 * time.Hour)},
		listing.ListingApproved{ListingID: uuid.New(), At: t0.Add(2 * time.Hour)},
	}
	envs := make([]readmodel.Envelope, len(evs))
	for i, e := range evs {
		envs[i] = readmodel.Envelope{Event: e, Position: uint64(i + 1)}
	}
	return envs
}

func TestFoldBuildsTheTablesApplyBuilds(t *testing.T) {
	ctx := context.Background()
	envs := history()
	for name, open := range map[string]func(testing.TB) *readmodel.DB{"sqlite": rmtest.SQLite, "postgres": rmtest.Postgres} {
		t.Run(name, func(t *testing.T) {
			build := func(db *readmodel.DB, add func(tx readmodel.Tx, env readmodel.Envelope) error, end func(tx readmodel.Tx) error) map[string][]string {
				if _, err := readmodel.NewProjector(ctx, db, kernel.NewRegistry(), projection{}); err != nil {
					t.Fatal(err)
				}
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, env := range envs {
					if err := add(tx, env); err != nil {
						t.Fatal(err)
					}
				}
				if err := end(tx); err != nil {
					t.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
				return rmtest.Dump(t, db)
			}
			want := build(open(t), func(tx readmodel.Tx, env readmodel.Envelope) error { return projection{}.Apply(ctx, tx, env) },
				func(readmodel.Tx) error { return nil })
			db := open(t)
			f := projection{}.Fold(db.Dialect)
			got := build(db, func(tx readmodel.Tx, env readmodel.Envelope) error { return f.Add(ctx, tx, env) },
				func(tx readmodel.Tx) error { return f.Flush(ctx, tx) })
			if len(want["demand_alerts"]) != 2 || len(want["demand_offers"]) != 3 || len(want["demand_demands"]) != 4 {
				t.Fatalf("the events did not build the rows they should: %q", want)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("folded:\n%q\napplied:\n%q", got, want)
			}
		})
	}
}
