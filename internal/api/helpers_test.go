package api

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

func TestMutationThatDoesNotDecodeSendsNothing(t *testing.T) {
	var calls []Call
	s := testSchema(t, &calls)
	bidder := auth.Principal{Role: auth.RoleBidder, Party: uuid.New()}
	r := run(s, &bidder, `mutation { payDeposit(input: {amount: "0.00"}) { position } }`)
	if len(r.Errors) != 1 || errorCode(r.Errors[0]) != kernel.CodeInvalid {
		t.Fatalf("errors = %v, want the decoder's INVALID_INPUT", r.Errors)
	}
	if len(calls) != 0 {
		t.Fatal("a command that did not decode was sent")
	}
}

func TestOnReadsTheAggregateIDBeforeBuilding(t *testing.T) {
	built := 0
	decode := On("depositId", func(_ context.Context, c Call, id uuid.UUID) (payDeposit, error) {
		built++
		return payDeposit{DepositID: id}, nil
	})
	id := uuid.New()
	cmd, err := decode(context.Background(), Call{Input: map[string]any{"depositId": id.String()}})
	if err != nil || cmd.DepositID != id {
		t.Fatalf("command %+v, err %v", cmd, err)
	}
	_, err = decode(context.Background(), Call{Input: map[string]any{"depositId": "nope"}})
	var ke *kernel.Error
	if !errors.As(err, &ke) || ke.Code != kernel.CodeInvalid || ke.Field != "depositId" {
		t.Fatalf("a bad id gave %v, want INVALID_INPUT on depositId", err)
	}
	if built != 1 {
		t.Fatalf("build ran %d times, want once (not for the bad id)", built)
	}
}

// The enum helper's values are the typed constants: graphql-go finds an
// output value by its dynamic type, so a plain string of the same text is
// not a value of the enum.
type colour string

func TestEnumValuesAreTheTypedConstants(t *testing.T) {
	e := DescribedEnum("Colour", "", map[colour]string{"RED": "Like a brick.", "GREEN": ""})
	if got := e.Serialize(colour("RED")); got != "RED" {
		t.Fatalf("colour RED serialises as %v", got)
	}
	if got := e.Serialize("RED"); got != nil {
		t.Fatalf("the string RED serialises as %v, want null", got)
	}
	if got := e.ParseValue("GREEN"); got != colour("GREEN") {
		t.Fatalf("GREEN parses as %#v, want colour(GREEN)", got)
	}
	if got := Enum("Plain", "", colour("RED")).Serialize(colour("RED")); got != "RED" {
		t.Fatalf("Enum: colour RED serialises as %v", got)
	}
}

func TestArgsReadTypedValuesAndZeroForAbsentFields(t *testing.T) {
	in := map[string]any{"n": 3, "colours": []any{colour("RED"), colour("GREEN")}, "none": []any{}}
	if Arg[int](in, "n") != 3 || Arg[string](in, "missing") != "" || Arg[int](in, "colours") != 0 {
		t.Fatal("Arg does not read the typed value or the zero value")
	}
	if got := Args[colour](in, "colours"); len(got) != 2 || got[1] != "GREEN" {
		t.Fatalf("Args = %v", got)
	}
	if Args[colour](in, "none") != nil || Args[colour](in, "missing") != nil {
		t.Fatal("an empty or absent list is not nil")
	}
	ids, err := IDs(map[string]any{"a": uuid.NewString(), "b": "x"}, "a", "b")
	var ke *kernel.Error
	if ids != nil || !errors.As(err, &ke) || ke.Field != "b" {
		t.Fatalf("IDs with a bad b: %v, %v", ids, err)
	}
}

func TestNullableMakesZeroValuesNull(t *testing.T) {
	id := uuid.New()
	for _, tc := range []struct {
		got, want any
	}{
		{Nullable(uuid.Nil), nil}, {Nullable(id), id.String()},
		{Nullable(""), nil}, {Nullable("x"), "x"},
		{Nullable(kernel.Money(0)), nil}, {Nullable(kernel.Money(5)), kernel.Money(5)},
		{Nullable(time.Time{}), nil}, {Nullable(colour("")), nil}, {Nullable(colour("RED")), colour("RED")},
	} {
		if tc.got != tc.want {
			t.Errorf("got %#v, want %#v", tc.got, tc.want)
		}
	}
}

func TestBatchLoadsAPageOnceAndHandsOutCopies(t *testing.T) {
	a, b := uuid.New(), uuid.New()
	loads := 0
	batch := NewBatch(func(context.Context) (map[uuid.UUID][]int, error) {
		loads++
		return map[uuid.UUID][]int{a: {1, 2}}, nil
	})
	rows, err := batch.Of(context.Background(), a)
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %v, err %v", rows, err)
	}
	rows[0] = 99
	again, _ := batch.Of(context.Background(), a)
	none, _ := batch.Of(context.Background(), b)
	if loads != 1 || again[0] != 1 || len(none) != 0 {
		t.Fatalf("loads %d, rows again %v, rows of another item %v", loads, again, none)
	}
}

func TestConnectPagesWithCursorsAndRefusesForeignOnes(t *testing.T) {
	items := []string{"a", "b", "c"}
	load := func(pg readmodel.Page) (readmodel.Result[string], error) {
		from := 0
		if pg.After != nil {
			for i, it := range items {
				if it == pg.After[0] {
					from = i + 1
				}
			}
		}
		end := min(from+pg.First, len(items))
		return readmodel.Result[string]{Rows: items[from:end], HasNext: end < len(items), Total: len(items)}, nil
	}
	cursor := func(s string) readmodel.Cursor { return readmodel.Cursor{s} }
	node := func(s string) any { return s }
	out, err := Connect(map[string]any{"first": 2}, 1, load, cursor, node)
	if err != nil {
		t.Fatal(err)
	}
	info := out.(map[string]any)["pageInfo"].(map[string]any)
	if info["hasNextPage"] != true || out.(map[string]any)["totalCount"] != 3 {
		t.Fatalf("first page %v", out)
	}
	out, err = Connect(map[string]any{"first": 2, "after": info["endCursor"]}, 1, load, cursor, node)
	if err != nil {
		t.Fatal(err)
	}
	edges := out.(map[string]any)["edges"].([]map[string]any)
	if len(edges) != 1 || edges[0]["node"] != "c" {
		t.Fatalf("second page %v", edges)
	}
	if _, err := Connect(map[string]any{"first": 2, "after": encodeCursor("a", "b")}, 1, load, cursor, node); kernel.ErrorCode(err) != kernel.CodeInvalid {
		t.Fatalf("a cursor of two parts: %v", err)
	}
}

func TestFieldHelpersResolveFromTheSource(t *testing.T) {
	type src struct{ N int }
	f := Field(graphql.Int, "", func(s src) any { return s.N })
	if v, _ := f.Resolve(graphql.ResolveParams{Source: src{7}}); v != 7 {
		t.Fatalf("Field gave %v", v)
	}
	owner := uuid.New()
	p := Private(graphql.Int, "", func(v auth.Principal, _ src) bool { return v.Party == owner }, func(s src) any { return s.N })
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{Role: auth.RoleBidder, Party: owner})
	if v, _ := p.Resolve(graphql.ResolveParams{Source: src{7}, Context: ctx}); v != 7 {
		t.Fatalf("Private hid the value from its owner: %v", v)
	}
	if v, _ := p.Resolve(graphql.ResolveParams{Source: src{7}, Context: context.Background()}); v != nil {
		t.Fatalf("Private showed %v to an anonymous caller", v)
	}
}

func TestCreatedNamesTheNewIDInThePayload(t *testing.T) {
	id := uuid.New()
	payload := Created[payDeposit]("depositId", func(c payDeposit) uuid.UUID { return c.DepositID })
	if got := payload(payDeposit{DepositID: id}, app.Result{}); got["depositId"] != id.String() || len(got) != 1 {
		t.Fatalf("payload %v", got)
	}
}

func TestPageBatchLoadsByTheItemsIDs(t *testing.T) {
	items := []payDeposit{{DepositID: uuid.New()}, {DepositID: uuid.New()}}
	var asked []uuid.UUID
	b := PageBatch(items, payDeposit.AggregateID, func(_ context.Context, ids []uuid.UUID) (map[uuid.UUID][]string, error) {
		asked = ids
		return map[uuid.UUID][]string{ids[1]: {"second"}}, nil
	})
	rows, err := b.Of(context.Background(), items[1].DepositID)
	if err != nil || len(rows) != 1 || rows[0] != "second" || len(asked) != 2 || asked[0] != items[0].DepositID {
		t.Fatalf("rows %v, err %v, asked for %v", rows, err, asked)
	}
	if got := IDStrings([]uuid.UUID{items[0].DepositID}); len(got) != 1 || got[0] != items[0].DepositID.String() {
		t.Fatalf("IDStrings = %v", got)
	}
}
