// Package assetview holds the read models of assets, consolidation packages and land transfer contracts.
package assetview

import "github.com/nongjiao/nongjiao/internal/readmodel"

// Projections returns the area's projections.
func Projections() []readmodel.Projection { return nil }
