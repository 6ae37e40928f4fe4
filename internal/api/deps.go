package api

import (
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// Deps is what an area's resolvers use: the command side, the read-model
// database for queries, the live feed for subscriptions and the clock.
type Deps struct {
	App   *app.App
	DB    *readmodel.DB
	Live  *Hub
	Clock kernel.Clock
}
