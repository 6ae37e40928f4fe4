package credit_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/api/credit"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel/creditview"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

var area = apitest.Area{Register: credit.Register, Projections: creditview.Projections}

// onBothBackends runs a story against read models on SQLite and on PostgreSQL
// (a fresh schema, dropped afterwards; skipped when PostgreSQL is unreachable
// unless NONGJIAO_REQUIRE_SERVICES=1).
func onBothBackends(t *testing.T, story func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) { story(t, &env{t: t, h: apitest.New(t, area)}) })
	t.Run("postgres", func(t *testing.T) {
		story(t, &env{t: t, h: apitest.NewWithDB(t, t.TempDir(), rmtest.Postgres(t), area)})
	})
}

// env is a running API with helpers to call it as a role acting for a party.
type env struct {
	t *testing.T
	h *apitest.Harness
}

// as is a caller: a role acting for a party.
type as struct {
	role  auth.Role
	party uuid.UUID
}

func (e *env) token(c as) string { return e.h.Token(c.role, c.party) }

// mutate calls mutation name with input, selecting fields of the payload.
func (e *env) mutate(c as, name, fields string, input map[string]any) apitest.Response {
	e.t.Helper()
	q := fmt.Sprintf("mutation($input: %sInput!) { %s(input: $input) { position duplicate %s } }",
		strings.ToUpper(name[:1])+name[1:], name, fields)
	return e.h.Do(e.token(c), q, map[string]any{"input": input})
}

// must calls a mutation that must succeed and returns its payload.
func (e *env) must(c as, name, fields string, input map[string]any) map[string]any {
	e.t.Helper()
	r := e.mutate(c, name, fields, input)
	if len(r.Errors) > 0 {
		e.t.Fatalf("%s as %s: %+v", name, c.role, r.Errors)
	}
	return r.Data[name].(map[string]any)
}

// refused calls a mutation that must fail with code, writing nothing.
func (e *env) refused(c as, name string, input map[string]any, code string) {
	e.t.Helper()
	r := e.mutate(c, name, "", input)
	if r.Code() != code {
		e.t.Fatalf("%s as %s: errors %+v, want %s", name, c.role, r.Errors, code)
	}
	if r.Data[name] != nil {
		e.t.Fatalf("%s as %s was refused but returned %v", name, c.role, r.Data[name])
	}
}

// query runs a query that must succeed.
func (e *env) query(c as, q string, vars map[string]any) map[string]any {
	e.t.Helper()
	token := ""
	if !c.role.IsZero() {
		token = e.token(c)
	}
	return e.h.MustDo(token, q, vars)
}

// seed sends a command of another area directly to the command side: the
// assets, consents and transfer contracts a credit story starts from.
func seed[S any, C kernel.Command](e *env, h *app.Handler[S, C], cmd C) {
	e.t.Helper()
	res, err := h.Handle(context.Background(), cmd, app.Meta{CommandID: uuid.New(), Actor: "test:seed"})
	if err != nil {
		e.t.Fatalf("seed %T: %v", cmd, err)
	}
	e.h.WaitFor(fmt.Sprint(res.Position))
}

var source = registry.Source{Reference: "鲁(2026)寒亭区不动产权第 0001 号", Date: apitest.Start.AddDate(-1, 0, 0)}

// asset registers an asset of type typ held by holder (contracted by
// contractor when not uuid.Nil) whose rights end years from the start.
func (e *env) asset(collective, contractor, holder uuid.UUID, typ kernel.AssetType, years int) uuid.UUID {
	id := uuid.New()
	seed(e, e.h.App.Assets, registry.Command(registry.RegisterAsset{AssetID: id, By: collective, Type: typ,
		Location: registry.Location{Province: "山东省", County: "寒亭区", Township: "固堤街道", Village: "前阙庄村"},
		Area:     1250, CertificateNo: "CERT-" + id.String()[:8], RightsEnd: apitest.Start.AddDate(years, 0, 0),
		Title: "plot", Contractor: contractor, Holder: holder, Source: source}))
	return id
}

// cooperative founds cooperative id with member holding shares.
func (e *env) cooperative(id, member uuid.UUID, shares int64) {
	seed(e, e.h.App.Coops, coop.Command(coop.FoundCooperative{CoopID: id, Collective: uuid.New(), Name: "前阙庄股份经济合作社", Settings: coop.DefaultSettings()}))
	seed(e, e.h.App.Coops, coop.Command(coop.AdmitMember{CoopID: id, Member: member, Household: uuid.New()}))
	seed(e, e.h.App.Coops, coop.Command(coop.AllocateShares{CoopID: id, Allocations: []coop.Allocation{{Member: member, Class: coop.ClassPopulation, Shares: shares}}}))
}

// consent records the contractor's written consent to grantee's mortgage (rule 7).
func (e *env) consent(asset, collective, contractor, grantee uuid.UUID) {
	seed(e, e.h.App.Assets, registry.Command(registry.RecordConsent{AssetID: asset, By: collective, ConsentID: uuid.New(),
		Contractor: contractor, Grantee: grantee, Purpose: registry.ConsentMortgage, Source: source}))
}

// leaseTo leases a household's plot to transferee for five years from the
// start, with annual rent due from the start, and moves the right to it.
func (e *env) leaseTo(asset, collective, household, transferee uuid.UUID) uuid.UUID {
	contract := uuid.New()
	start, end := apitest.Start.Add(time.Hour), apitest.Start.AddDate(5, 0, 0)
	seed(e, e.h.App.Transfers, transfer.Command(transfer.SignDirect{ContractID: contract, Terms: transfer.Terms{
		Transferor: household, Transferee: transferee, Form: transfer.FormLease, Use: transfer.UseCropping,
		Plots: []transfer.Plot{{AssetID: asset, Area: 1250, Collective: collective, Contractor: household, Holder: household,
			ContractEnd: apitest.Start.AddDate(20, 0, 0)}},
		Start: start, End: end, RentPerMuYear: kernel.Yuan(800), Frequency: transfer.Annual,
	}, Document: transfer.Document{Reference: "流转合同 2026-1", Signed: apitest.Start}}))
	seed(e, e.h.App.Assets, registry.Command(registry.TransferManagementRight{AssetID: asset, ContractID: contract,
		Transferor: household, Transferee: transferee, Form: registry.FormLease, Start: start, End: end, Source: source}))
	return contract
}

// at formats an instant for the API.
func at(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// field digs a value out of a response by path ("a.b.0.c").
func field(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			var i int
			fmt.Sscan(k, &i)
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// replayRebuildsSameRows checks that rebuilding the area's read models from
// the whole store gives the rows the live projection built.
func (e *env) replayRebuildsSameRows() {
	e.t.Helper()
	dump := func() map[string][]string {
		out := map[string][]string{}
		for _, p := range area.Projections() {
			for _, table := range p.Tables() {
				out[table] = rmtest.Rows(e.t, e.h.DB, table)
			}
		}
		return out
	}
	live := dump()
	if _, err := e.h.Projector.Replay(context.Background(), e.h.App.Store, 256); err != nil {
		e.t.Fatal(err)
	}
	if replayed := dump(); !reflect.DeepEqual(live, replayed) {
		for table := range live {
			if !slices.Equal(live[table], replayed[table]) {
				e.t.Errorf("%s live:\n%v\nreplayed:\n%v", table, live[table], replayed[table])
			}
		}
	}
}
