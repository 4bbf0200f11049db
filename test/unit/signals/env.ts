import '../handlers/env.ts';

/* The variables only the signal functions read, on top of the handler tests' environment. */
Object.assign(process.env, {
  INBOUND_BUCKET: 'followup-inbound-test',
  INBOUND_PREFIX: 'inbound/',
  SHOP_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-webhook',
  FALLBACK_EMAIL: 'inbox@northwind.example',
});
