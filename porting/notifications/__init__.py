"""Telling people what happened: emails now (webhooks join them later). Reads models, renders, sends."""
