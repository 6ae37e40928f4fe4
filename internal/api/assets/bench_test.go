package assets_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// seedAssets registers n assets of 10 collectives in 20 counties through the
// command side and waits for the read models.
func seedAssets(b *testing.B, h *apitest.Harness, n int) (collective uuid.UUID) {
	b.Helper()
	collectives := make([]uuid.UUID, 10)
	for i := range collectives {
		collectives[i] = uuid.New()
	}
	var g errgroup.Group
	g.SetLimit(64)
	var mu sync.Mutex
	var last uint64
	for i := range n {
		g.Go(func() error {
			res, err := h.App.Assets.Handle(context.Background(), registry.RegisterAsset{
				AssetID: uuid.New(), By: collectives[i%10], Type: kernel.AssetLandManagementRight, Area: 1000,
				Location:      registry.Location{Province: "山东省", County: fmt.Sprintf("县%d", i%20), Township: "镇", Village: "村"},
				CertificateNo: fmt.Sprint(i), RightsEnd: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC), Title: fmt.Sprint("地", i),
				Contractor: uuid.New(), Holder: uuid.New(), Source: registry.Source{Reference: "证"},
			}, app.Meta{CommandID: uuid.New(), Actor: "bench"})
			mu.Lock()
			last = max(last, res.Position)
			mu.Unlock()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	h.WaitFor(fmt.Sprint(last))
	return collectives[3]
}

// BenchmarkAssetsQuery is one page of 20 assets of a collective in a county,
// with their children, over HTTP, out of 5,000 assets.
func BenchmarkAssetsQuery(b *testing.B) {
	h := apitest.New(b, area)
	collective := seedAssets(b, h, 5000)
	q := fmt.Sprintf(`{ assets(first: 20, filter: {collectiveId: %q, county: "县3"}) { totalCount edges { node {
		id title area holder { holderId end } restrictions { kind } entrustment { scope } } } } }`, collective)
	if d := h.MustDo("", q, nil); len(get(d, "assets")["edges"].([]any)) != 20 {
		b.Fatalf("page = %v", d)
	}
	b.ResetTimer()
	for b.Loop() {
		h.MustDo("", q, nil)
	}
}
