"""newswatch.spiders"""
