DROP INDEX `products_popular`;--> statement-breakpoint
ALTER TABLE `sessions` ADD `products` text;