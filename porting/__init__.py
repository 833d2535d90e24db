"""Portico's porting app: port orders, their workflow, carriers and the API."""
