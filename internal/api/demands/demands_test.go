package demands_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/api/demands"
	"github.com/nongjiao/nongjiao/internal/api/listings"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel/demandview"
	"github.com/nongjiao/nongjiao/internal/readmodel/listingview"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// market is a harness with the listings and demands areas, a collective in
// 寿光市, another in 青州市, two farm businesses and the exchange.
type market struct {
	*apitest.Harness
	shouguang, qingzhou              uuid.UUID
	shouguangTok, qingzhouTok, exTok string
	farm, other                      uuid.UUID
	farmTok, otherTok                string
}

// areas are the listings area (to approve listings) and this one.
var areas = []apitest.Area{{Register: listings.Register, Projections: listingview.Projections},
	{Register: demands.Register, Projections: demandview.Projections}}

// forEachBackend runs story on a fresh market with SQLite and with PostgreSQL read models.
func forEachBackend(t *testing.T, story func(t *testing.T, m *market)) {
	t.Run("sqlite", func(t *testing.T) { story(t, newMarket(t, apitest.New(t, areas...))) })
	t.Run("postgres", func(t *testing.T) {
		story(t, newMarket(t, apitest.NewWithDB(t, t.TempDir(), rmtest.Postgres(t), areas...)))
	})
}

func newMarket(t *testing.T, h *apitest.Harness) *market {
	t.Helper()
	m := &market{Harness: h, shouguang: uuid.New(), qingzhou: uuid.New(), farm: uuid.New(), other: uuid.New()}
	m.shouguangTok, m.qingzhouTok = h.Token(auth.RoleCollective, m.shouguang), h.Token(auth.RoleCollective, m.qingzhou)
	m.farmTok, m.otherTok = h.Token(auth.RoleBidder, m.farm), h.Token(auth.RoleBidder, m.other)
	m.exTok = h.Token(auth.RoleExchange, uuid.New())
	return m
}

// land registers a wasteland use right (四荒) of area of collective in county.
func (m *market) land(collective uuid.UUID, county string, area kernel.Area) uuid.UUID {
	m.T.Helper()
	id := uuid.New()
	_, err := m.App.Assets.Handle(context.Background(), registry.RegisterAsset{
		AssetID: id, By: collective, Type: kernel.AssetWastelandUseRight,
		Location: registry.Location{Province: "山东省", County: county, Township: "镇", Village: "村"},
		Area:     area, CertificateNo: "证" + id.String()[:6], RightsEnd: apitest.Start.AddDate(30, 0, 0), Title: county + "荒山", Holder: collective,
		Source: registry.Source{Reference: "证书", Date: apitest.Start.AddDate(-1, 0, 0)},
	}, app.Meta{CommandID: uuid.New(), Actor: "test:setup"})
	if err != nil {
		m.T.Fatal(err)
	}
	return id
}

// approve lists asset for ten years as collective, submits it and has the
// exchange approve it; it returns the listing's id and the approval's position.
func (m *market) approve(tok string, asset uuid.UUID, title string) (id, position string) {
	m.T.Helper()
	d := m.MustDo(tok, `mutation($in: CreateListingInput!) { createListing(input: $in) { listingId } }`, map[string]any{"in": map[string]any{
		"assetIds": []string{asset.String()}, "title": title, "description": "连片耕地", "listedPrice": "1200000.00",
		"increment": "1000.00", "reservePrice": "1200000.00", "termMonths": 120}})
	id = d["createListing"].(map[string]any)["listingId"].(string)
	m.MustDo(tok, `mutation($in: SubmitListingInput!) { submitListing(input: $in) { listingId } }`, map[string]any{"in": map[string]any{
		"listingId": id, "resolution": map[string]any{"body": "村民代表会议", "votesFor": 20, "total": 30, "date": "2026-11-20T02:00:00Z"}}})
	d = m.MustDo(m.exTok, `mutation($in: ReviewListingInput!) { reviewListing(input: $in) { position } }`, map[string]any{"in": map[string]any{
		"listingId": id, "approve": true, "announcementEnds": "2026-12-04T16:00:00Z", "biddingOpensAt": "2026-12-07T02:00:00Z"}})
	return id, d["reviewListing"].(map[string]any)["position"].(string)
}

const saveSearch = `mutation($in: SaveSearchInput!) { saveSearch(input: $in) { demandId position } }`

func TestRoles(t *testing.T) {
	h := apitest.New(t, apitest.Area{Register: demands.Register, Projections: demandview.Projections})
	h.CheckRoles(t, map[string][]auth.Role{
		"postDemand": {auth.RoleBidder}, "saveSearch": {auth.RoleBidder}, "closeDemand": {auth.RoleBidder},
	})
	// The queries: a bidder's own lists, and a seller's view of demands.
	bidder, collective, bank := h.Token(auth.RoleBidder, uuid.New()), h.Token(auth.RoleCollective, uuid.New()), h.Token(auth.RoleBank, uuid.New())
	asset := fmt.Sprintf(`{ matchingDemands(assetId: %q) { id } }`, uuid.NewString())
	for _, c := range []struct{ token, query, code string }{
		{"", `{ myDemands { totalCount } }`, kernel.CodeUnauthenticated},
		{collective, `{ myDemands { totalCount } }`, kernel.CodeForbidden},
		{bank, `{ demandAlerts { totalCount } }`, kernel.CodeForbidden},
		{"", asset, kernel.CodeUnauthenticated},
		{bidder, asset, kernel.CodeForbidden},
		{collective, asset, kernel.CodeNotFound},
	} {
		if r := h.Do(c.token, c.query, nil); r.Code() != c.code {
			t.Errorf("%s as %q: %+v, want %s", c.query, c.token, r.Errors, c.code)
		}
	}
}

// A saved search's alerts: a matching listing approved before the
// subscription comes first (after the search's position), then one approved
// while it runs; a listing elsewhere never comes; demandAlerts lists both.
func TestASavedSearchIsAlertedOfMatchingListings(t *testing.T) { forEachBackend(t, savedSearchStory) }

func savedSearchStory(t *testing.T, m *market) {
	d := m.MustDo(m.farmTok, saveSearch, map[string]any{"in": map[string]any{"title": "寿光百亩以上耕地",
		"criteria": map[string]any{"county": "寿光市", "minArea": "100", "minTermMonths": 120}}})
	search := d["saveSearch"].(map[string]any)
	first, _ := m.approve(m.shouguangTok, m.land(m.shouguang, "寿光市", 12000), "寿光120亩")
	m.approve(m.shouguangTok, m.land(m.shouguang, "寿光市", 9999), "寿光99.99亩")
	const sub = `subscription($after: Position) { listingAlerts(after: $after) { searchId listingId listingTitle position } }`
	alerts := m.Subscribe(m.farmTok, sub, map[string]any{"after": search["position"]})
	next := func(s *apitest.Subscription) map[string]any {
		t.Helper()
		p := s.Next()
		if p["errors"] != nil {
			t.Fatalf("listingAlerts: %v", p["errors"])
		}
		return p["data"].(map[string]any)["listingAlerts"].(map[string]any)
	}
	// The missed alert comes once the read model holds it; the subscription is then live.
	if a := next(alerts); a["listingId"] != first || a["searchId"] != search["demandId"] || a["listingTitle"] != "寿光120亩" {
		t.Fatalf("first alert %v, want listing %s of search %s", a, first, search["demandId"])
	}
	m.approve(m.qingzhouTok, m.land(m.qingzhou, "青州市", 50000), "青州500亩")
	second, _ := m.approve(m.shouguangTok, m.land(m.shouguang, "寿光市", 30000), "寿光300亩")
	live := next(alerts)
	if live["listingId"] != second {
		t.Fatalf("live alert %v, want listing %s (青州市 is not 寿光市)", live, second)
	}
	m.WaitFor(live["position"].(string))
	const list = `{ demandAlerts(first: 10) { totalCount edges { node { listingId } } } }`
	var got []string
	for _, e := range m.MustDo(m.farmTok, list, nil)["demandAlerts"].(map[string]any)["edges"].([]any) {
		got = append(got, e.(map[string]any)["node"].(map[string]any)["listingId"].(string))
	}
	if !slices.Equal(got, []string{second, first}) {
		t.Errorf("demandAlerts %v, want %v newest first", got, []string{second, first})
	}
	if n := m.MustDo(m.otherTok, list, nil)["demandAlerts"].(map[string]any)["totalCount"]; n != 0.0 {
		t.Errorf("another bidder has %v alerts", n)
	}
	// A deleted search is alerted of nothing more.
	m.MustDo(m.farmTok, `mutation($in: CloseDemandInput!) { closeDemand(input: $in) { demandId } }`, map[string]any{"in": map[string]any{"demandId": search["demandId"]}})
	_, after := m.approve(m.shouguangTok, m.land(m.shouguang, "寿光市", 40000), "寿光400亩")
	m.WaitFor(after)
	if n := m.MustDo(m.farmTok, list, nil)["demandAlerts"].(map[string]any)["totalCount"]; n != 2.0 {
		t.Errorf("after deleting the search it has %v alerts, want still 2", n)
	}
}

// A posted demand is seen by the collective whose asset would meet it, to
// the hundredth of a mu, and only its owner closes it, once.
func TestMatchingDemandsAndClosing(t *testing.T) { forEachBackend(t, matchingStory) }

func matchingStory(t *testing.T, m *market) {
	post := func(title, minArea string) (id, position string) {
		t.Helper()
		d := m.MustDo(m.farmTok, `mutation($in: PostDemandInput!) { postDemand(input: $in) { demandId position } }`, map[string]any{"in": map[string]any{
			"title": title, "note": "种植蔬菜", "criteria": map[string]any{"county": "寿光市", "minArea": minArea, "maxArea": "500",
				"minTermMonths": 120, "budgetPerMuYear": "1000.00", "contiguous": true}}})
		p := d["postDemand"].(map[string]any)
		return p["demandId"].(string), p["position"].(string)
	}
	fits, _ := post("寿光300亩连片耕地", "300")
	_, last := post("寿光300.01亩以上", "300.01")
	asset := m.land(m.shouguang, "寿光市", 30000)
	const q = `query($id: ID!) { matchingDemands(assetId: $id) { id title ownerId criteria { county minArea budgetPerMuYear contiguous } } }`
	m.WaitFor(last)
	d := m.MustDo(m.shouguangTok, q, map[string]any{"id": asset.String()})["matchingDemands"].([]any)
	if len(d) != 1 || d[0].(map[string]any)["id"] != fits || d[0].(map[string]any)["ownerId"] != nil {
		t.Fatalf("matchingDemands of a 300-mu asset: %v, want only %s with its owner hidden", d, fits)
	}
	if r := m.Do(m.qingzhouTok, q, map[string]any{"id": asset.String()}); r.Code() != kernel.CodeForbidden {
		t.Errorf("another collective: %+v, want FORBIDDEN", r.Errors)
	}
	if d := m.MustDo(m.shouguangTok, q, map[string]any{"id": m.land(m.shouguang, "寿光市", 50001).String()}); len(d["matchingDemands"].([]any)) != 0 {
		t.Errorf("a 500.01-mu asset meets %v", d)
	}
	const closeDemand = `mutation($in: CloseDemandInput!) { closeDemand(input: $in) { demandId position } }`
	in := map[string]any{"in": map[string]any{"demandId": fits}}
	if r := m.Do(m.otherTok, closeDemand, in); r.Code() != kernel.CodeForbidden {
		t.Errorf("another bidder closes it: %+v", r.Errors)
	}
	closed := m.MustDo(m.farmTok, closeDemand, in)["closeDemand"].(map[string]any)
	if r := m.Do(m.farmTok, closeDemand, in); r.Code() != "DEMAND_CLOSED" {
		t.Errorf("closing twice: %+v", r.Errors)
	}
	m.WaitFor(closed["position"].(string))
	if d := m.MustDo(m.shouguangTok, q, map[string]any{"id": asset.String()}); len(d["matchingDemands"].([]any)) != 0 {
		t.Errorf("a closed demand still matches: %v", d)
	}
	mine := m.MustDo(m.farmTok, `{ myDemands { totalCount edges { node { id kind closed ownerId } } } }`, nil)["myDemands"].(map[string]any)
	if mine["totalCount"] != 2.0 {
		t.Errorf("myDemands: %v", mine)
	}
}
