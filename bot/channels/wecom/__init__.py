"""WeCom (企业微信 / 政务微信) through wechatpy: encrypted callbacks in, message/send out."""
