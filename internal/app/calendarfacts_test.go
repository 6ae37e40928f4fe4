package app

import (
	"context"
	"log/slog"
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/calendar"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// BenchmarkFactsCalendar is what the listing handler adds to every batch of
// listing commands: reading the calendar in force (the 2026 notice) from the
// embedded store.
func BenchmarkFactsCalendar(b *testing.B) {
	store, err := filestore.Open(filestore.Options{Dir: b.TempDir(), Clock: kernel.SystemClock{}})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	a := New(store, kernel.SystemClock{}, slog.New(slog.DiscardHandler), Options{})
	ctx := context.Background()
	if _, err := a.Calendar.Handle(ctx, calendar.ImportDays{Days: calendar.Official()}, Meta{CommandID: uuid.New()}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Facts().Calendar(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
