// Package listingview holds the read models of listings, bidders, bids and trades.
package listingview

import "github.com/nongjiao/nongjiao/internal/readmodel"

// Projections returns the area's projections.
func Projections() []readmodel.Projection { return nil }
