package messaging_test

import (
	"context"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/messaging"
)

// A projection as a router handler: its own consumer group on the "listing"
// category, reading the position to checkpoint its rows.
func ExampleNewRouter() {
	store := memstore.New(kernel.SystemClock{})
	defer store.Close()
	stream := "listing-7d0e3c1a-56a8-4d6f-9d65-0a3f4c1b2e90"
	_, err := store.Append(context.Background(), stream, eventstore.NoStream, eventstore.EventData{
		ID: uuid.New(), Type: "listing.Submitted.v1", Data: []byte(`{}`),
	})
	if err != nil {
		panic(err)
	}

	router, err := messaging.NewRouter(messaging.RouterConfig{PoisonPublisher: messaging.NewPublisher(store)})
	if err != nil {
		panic(err)
	}
	handled := make(chan struct{})
	board := messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: "listing-board"})
	router.AddConsumerHandler("listing-board", "listing", board, func(msg *message.Message) error {
		position, err := messaging.Position(msg)
		if err != nil {
			return err
		}
		// A real projection writes its rows and position in one transaction,
		// skipping messages at or below the position it already stored.
		fmt.Println(msg.Metadata.Get(messaging.MetadataEventType), msg.Metadata.Get(messaging.MetadataStream), position)
		close(handled)
		return nil
	})

	ctx, stop := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- router.Run(ctx) }()
	<-handled
	stop()
	if err := <-stopped; err != nil {
		panic(err)
	}
	// Output: listing.Submitted.v1 listing-7d0e3c1a-56a8-4d6f-9d65-0a3f4c1b2e90 1
}
