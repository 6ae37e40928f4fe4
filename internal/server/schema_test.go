package server

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
)

var update = flag.Bool("update", false, "rewrite schema/schema.graphql from the code")

// The committed SDL is what the code serves: change the schema, then run
// `go test ./internal/server -run TestSchemaFileMatchesCode -update` and commit the file.
func TestSchemaFileMatchesCode(t *testing.T) {
	s, err := Open(context.Background(), Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := SDL()
	if err != nil {
		t.Fatal(err)
	}
	if served := api.PrintSDL(s.Schema); served != got {
		t.Fatalf("SDL() differs from the schema an opened server serves")
	}
	path := filepath.Join("..", "..", "schema", "schema.graphql")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Fatalf("schema/schema.graphql is out of date with the code: run go test ./internal/server -run TestSchemaFileMatchesCode -update")
	}
}

// Every area names asset types with the one AssetType enum of package api.
func TestEveryAreaUsesTheOneAssetTypeEnum(t *testing.T) {
	s, err := Open(context.Background(), Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	types := s.Schema.TypeMap()
	for _, f := range []struct{ object, field string }{
		{"Asset", "type"}, {"Listing", "assetType"}, {"Trade", "assetType"}, {"Loan", "assetType"},
	} {
		field := types[f.object].(*graphql.Object).Fields()[f.field]
		if field == nil || graphql.GetNamed(field.Type) != api.AssetType {
			t.Errorf("%s.%s is not api.AssetType", f.object, f.field)
		}
	}
	for _, f := range []struct{ input, field string }{{"AssetFilter", "type"}, {"ListingFilter", "assetType"}, {"RegisterAssetInput", "type"}} {
		field := types[f.input].(*graphql.InputObject).Fields()[f.field]
		if field == nil || graphql.GetNamed(field.Type) != api.AssetType {
			t.Errorf("%s.%s is not api.AssetType", f.input, f.field)
		}
	}
}
