package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/server"
)

// benchBoard builds, through the App, n listings announced on the board and
// n disbursed loans of a year, in waves of n/20 a day for twenty days (the
// clock advancing a day between waves), so their due times spread as a
// real board's do (each listing's announcement ends at a minute of its
// own). Every listing is still announced when it returns.
func benchBoard(b *testing.B, s *server.Server, n int) {
	b.Helper()
	ctx := context.Background()
	bank, collective, product := uuid.New(), uuid.New(), uuid.New()
	meta := func(actor uuid.UUID) app.Meta {
		return app.Meta{CommandID: uuid.New(), Actor: "bench:" + actor.String()}
	}
	_, err := s.App.Products.Handle(ctx, lending.DefineLoanProduct{ProductID: product, By: bank, Name: "经营权抵押贷",
		Terms: lending.DefaultTerms(lending.Tier{Credential: "NEW_FARMER", CreditLine: kernel.Yuan(100_000), MaxTermMonths: 36, AnnualRateBP: 435})}, meta(bank))
	if err != nil {
		b.Fatal(err)
	}
	var snapshot lending.ProductSnapshot
	if err := s.App.Products.Inspect(ctx, product, func(p lending.ProductState, _ uint64) { snapshot = p.Snapshot() }); err != nil {
		b.Fatal(err)
	}
	settings := listing.DefaultSettings()
	cal, err := s.App.Facts().Calendar(ctx)
	if err != nil {
		b.Fatal(err)
	}
	const waves = 20
	for wave := range waves {
		now := s.Sandbox.Now()
		g, ctx := errgroup.WithContext(ctx)
		g.SetLimit(32)
		for i := range n / waves {
			g.Go(func() error { // a listing announced for 20 to 39 working days, to a minute of its own: open when the year starts
				id := uuid.New()
				ends := cal.AddWorkingDays(now, 20+i%20).Add(time.Duration(i) * time.Minute)
				for _, cmd := range []listing.Command{
					listing.CreateListing{ListingID: id, Details: listing.Details{
						Title: fmt.Sprintf("%d号地块经营权流转", wave*n+i), Description: "水电到田，交通便利", Seller: collective,
						Asset: listing.AssetFacts{AssetIDs: []uuid.UUID{uuid.New()}, Type: kernel.AssetLandManagementRight, OwningCollective: collective,
							Region: listing.Region{Province: "山东省", County: "寒亭区", Township: "固堤街道", Village: "王家庄"}, Area: 2000,
							RightsEnd: now.AddDate(20, 0, 0)},
						ListedPrice: kernel.Yuan(100_000), StartingPrice: kernel.Yuan(100_000), Increment: kernel.Yuan(1_000),
						TermMonths: 120, Settings: settings}},
					listing.SubmitListing{ListingID: id, Resolution: listing.Resolution{Body: "villagers' assembly", VotesFor: 20, Total: 30, Date: now}},
					listing.ReviewListing{ListingID: id, Approve: true, AnnouncementEnds: ends, BiddingOpensAt: ends.Add(time.Nanosecond + 9*time.Hour)},
				} {
					if _, err := s.App.Listings.Handle(ctx, cmd, meta(collective)); err != nil {
						return fmt.Errorf("%T: %w", cmd, err)
					}
				}
				return nil
			})
			g.Go(func() error { // a loan of a year that nobody repays
				id, asset := uuid.New(), uuid.New()
				for _, cmd := range []lending.Command{
					lending.ApplyForLoan{LoanID: id, Borrower: uuid.New(), Bank: bank, Product: snapshot, Credential: "NEW_FARMER",
						Amount: kernel.Yuan(20_000), TermMonths: 12, Method: lending.EqualPrincipal,
						Collateral: lending.Collateral{AssetID: asset, AssetType: kernel.AssetLandManagementRight, RightsEndDate: lending.CivilDate(now.AddDate(10, 0, 0))}},
					lending.ValueCollateral{LoanID: id, By: bank, Value: kernel.Yuan(100_000), Appraiser: uuid.New()},
					lending.ApproveLoan{LoanID: id, By: bank, Amount: kernel.Yuan(20_000)},
					lending.RecordCollateralRegistered{LoanID: id, RegistrationID: uuid.New()},
					lending.DisburseLoan{LoanID: id, By: bank},
				} {
					if _, err := s.App.Loans.Handle(ctx, cmd, meta(bank)); err != nil {
						return fmt.Errorf("%T: %w", cmd, err)
					}
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.Sandbox.Advance(context.Background(), now.Add(24*time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAdvanceAYear advances a sandbox a year over 1,000 announced
// listings and 1,000 loans: every announcement, bidding round and unsold
// listing, every instalment overdue and every default, each decided at its
// own due time, with the read models and workflows settled between steps.
//
//	go test -run '^$' -bench AdvanceAYear -benchtime 1x ./internal/server/
func BenchmarkAdvanceAYear(b *testing.B) {
	for range b.N {
		b.StopTimer()
		ctx, cancel := context.WithCancel(context.Background())
		s, err := server.Open(ctx, server.Config{DataDir: b.TempDir(), Worker: true, Sandbox: true,
			Clock: kernel.NewManualClock(sandboxStart), SchedulerTick: 10 * time.Millisecond, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx, ln) }()
		benchBoard(b, s, 1000)
		before := len(events(b, s.Store))
		from := s.Sandbox.Now()
		b.StartTimer()
		if _, _, err := s.Sandbox.Advance(ctx, from.AddDate(1, 0, 0)); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		written, stops := events(b, s.Store)[before:], map[time.Time]bool{}
		for _, e := range written {
			if e.Metadata.Actor == "system:scheduler" {
				stops[e.Recorded] = true
			}
		}
		b.ReportMetric(float64(len(written)), "events/op")
		b.ReportMetric(float64(len(stops)), "stops/op")
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
